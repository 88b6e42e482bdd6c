/** Loading the server's TLS key and certificate chain from PKCS12 or PEM. */
package dev.cairn.server.tls;
