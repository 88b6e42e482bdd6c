/** Who may read and write: htpasswd users and bearer tokens. */
package dev.cairn.server.auth;
