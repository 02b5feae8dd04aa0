import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/rehearsal/rehearse.js';
import { parseScenario } from '../../src/rehearsal/scenario.js';

// A step to 4.5x at 65 s, off the agent's 60 s cycle grid; metrics show it one or two 15 s scrapes later.
const scenario = parseScenario(`
apiVersion: sentinelops.dev/v1
kind: Scenario
metadata: {name: step-off-grid}
spec:
  duration: 3m
  seed: 7
  cluster: {nodes: 2, nodeCpu: "4", nodeMemory: 16Gi}
  objects:
    - {apiVersion: v1, kind: Namespace, metadata: {name: demo}}
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: demo, labels: {app: web}}
      spec:
        replicas: 3
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: web
                image: nginx:1.27
                resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}
  load:
    - {deployment: demo/web, points: [[0s, 200], [65s, 200], [66s, 900], [3m, 900]]}
`);

describe('the overload check between cycles', () => {
  it('scales up a deployment whose load jumped between cycles before the next 60 s cycle, as an HPA syncing every 15 s would', async () => {
    const { report } = await rehearse(scenario, { policy: 'sentinelops' });
    const ups = report.actions.filter((a) => a.tool === 'scale_deployment' && a.ok);
    expect(ups.length).toBeGreaterThan(0);
    const firstUp = ups[0]!.at; // seconds into the scenario
    // The interval cycles run at 0, 60, 120 s: without the check the first scale-up is at 120 s.
    expect(firstUp).toBeGreaterThan(66);
    expect(firstUp).toBeLessThan(120);
    expect(Number((ups[0]!.arguments as { replicas: number }).replicas)).toBeGreaterThan(3);
  }, 60_000);
});
