package dev.cairn.cache.s3;

import dev.cairn.spi.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;

/** Turns SDK exceptions into the store's: unreachable or overloaded back ends become {@link StoreUnavailableException}. */
final class S3Errors {
    private S3Errors() {
    }

    static boolean isNotFound(SdkException e) {
        return e instanceof NoSuchKeyException || e instanceof S3Exception s3 && s3.statusCode() == 404;
    }

    static IOException map(SdkException e, String what, String where) {
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String detail = "HTTP " + status + (code == null ? "" : " " + code);
            if (status >= 500 || status == 429) {
                return new StoreUnavailableException(what + " failed at " + where + ": " + detail, e);
            }
            if (status == 403) {
                return new IOException(what + " was refused at " + where + " (" + detail
                        + "): check accessKey/secretKey and the bucket policy", e);
            }
            return new IOException(what + " failed at " + where + ": " + detail, e);
        }
        if (e instanceof SdkClientException) {
            return new StoreUnavailableException(what + " failed: " + where + " is unreachable: " + e.getMessage(), e);
        }
        return new IOException(what + " failed at " + where + ": " + e.getMessage(), e);
    }
}
