/**
 * @module test/support/samples
 * The fake sensitive values the end-to-end dialect tests send through the gateway, and the policy
 * they run under, so each dialect's test exercises the same decisions on the same inputs.
 * All values are synthetic (the RRN has a valid checksum; the key body is noise).
 */

export const EMAIL = 'jane.doe@example.com';
export const RRN = '900101-1234568';
export const PEM =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7xq2n3t0Yj9pQ1Xw8bZ3mK4sL5vN6cR7dT8eU9fV0gW1hX2i\nY3jZ4kA5lB6mC7nD8oE9pF0qG1rH2sI3tJ4uK5vL6wM7xN8yO9zP0aQ1bR2cS3dT\n-----END RSA PRIVATE KEY-----';

/** E-mail redacted, Korean RRN answered locally, private keys blocked. */
export const DIALECT_POLICY = 'id: default\nrules:\n  EMAIL: { action: redact }\n  KR_RRN: { action: local }\n  PRIVATE_KEY: { action: block }\n';
