import { describe, expect, it } from 'vitest';
import { podsToTouch } from '../../src/chaos/blast-radius.js';
import { burnerPod } from '../../src/chaos/burner-pod.js';

const caps = { maxPods: 3, maxShare: 0.5 };

describe('podsToTouch', () => {
  it.each([
    ['one pod of four', { available: 4 }, 1],
    ['half of four by share', { available: 4, share: 0.5 }, 2],
    ['a share rounds down', { available: 5, share: 0.5 }, 2],
    ['an explicit count within both caps', { available: 10, count: 3 }, 3],
  ])('%s', (_name, req, expected) => {
    expect(podsToTouch(req, caps)).toBe(expected);
  });

  it.each([
    ['more than maxShare', { available: 3, count: 2 }, /maxShare=0.5; ask for at most 1 pod/],
    ['the only pod of a deployment', { available: 1 }, /too few pods/],
    ['more than maxPods', { available: 10, share: 0.4 }, /maxPods=3/],
    ['a share under one pod', { available: 3, share: 0.2 }, /less than one pod/],
    ['more pods than run', { available: 2, count: 5 }, /exceeds the 2 running pods/],
    ['no running pods', { available: 0 }, /no running pods/],
    ['both count and share', { available: 4, count: 1, share: 0.25 }, /not both/],
  ])('refuses %s', (_name, req, message) => {
    expect(() => podsToTouch(req, caps)).toThrow(message);
  });
});

describe('burnerPod', () => {
  it('is bounded three ways and passes the restricted pod security profile', () => {
    const p = burnerPod({
      experimentId: 'chaos-7',
      index: 0,
      namespace: 'demo',
      targetPod: 'web-1',
      node: 'node-2',
      millicores: 2500,
      durationSeconds: 90,
      image: 'busybox:1.36',
    });
    expect(p.metadata?.labels?.['sentinelops.dev/chaos']).toBe('chaos-7');
    expect(p.spec).toMatchObject({ nodeName: 'node-2', activeDeadlineSeconds: 90, restartPolicy: 'Never', automountServiceAccountToken: false });
    const c = p.spec!.containers[0]!;
    expect(c.command?.[2]).toBe("for i in $(seq 3); do timeout 90 sh -c 'while :; do :; done' & done; wait");
    expect(c.resources?.limits?.cpu).toBe('2500m');
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(p.spec!.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });
});
