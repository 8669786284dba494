/**
 * What a write-only value reads back as. Sending it back in an update keeps the stored value, so a
 * client that round-trips a configuration never overwrites a secret with the mask.
 */
export const secretMask = '****';
