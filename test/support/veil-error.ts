/**
 * @module test/support/veil-error
 * `errorOf`: runs a function that must refuse with a `VeilError` and returns that error, so a
 * test can assert its code and status (and that no input value leaks into its message).
 */
import { expect } from 'vitest';
import { VeilError } from '../../src/util/errors.ts';

/**
 * @example
 * expect(errorOf(() => parseMessagesRequest({})).code).toBe('invalid_request');
 */
export function errorOf(fn: () => unknown): VeilError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VeilError);
    return e as VeilError;
  }
  throw new Error('expected a VeilError');
}
