import { describe, expect, it } from 'vitest';
import { CIRCUIT_OPEN_MESSAGE, CircuitBreaker, isTimeout } from './circuit-breaker.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

describe('CircuitBreaker', () => {
  it('fails at once after a timeout, probes, and closes when the database answers again', async () => {
    let answers = false;
    let probes = 0;
    const circuit = new CircuitBreaker({
      probe: async () => {
        probes++;
        return answers;
      },
      probeEveryMs: 10,
    });
    expect(() => circuit.check()).not.toThrow();
    circuit.trip();
    expect(circuit.isOpen).toBe(true);
    let err: unknown;
    try {
      circuit.check();
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toBe(CIRCUIT_OPEN_MESSAGE);
    expect(isDatabaseUnavailable(err), 'answered 503').toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    expect(probes).toBeGreaterThan(1);
    expect(circuit.isOpen, 'still open while the probe fails').toBe(true);
    answers = true;
    await new Promise((r) => setTimeout(r, 60));
    expect(circuit.isOpen).toBe(false);
    circuit.stop();
  });

  it('is tripped by timeouts only', () => {
    expect(isTimeout(new Error('Query read timeout'))).toBe(true);
    expect(isTimeout(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isTimeout(new Error('timeout expired'))).toBe(true);
    expect(isTimeout(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isTimeout(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
  });
});
