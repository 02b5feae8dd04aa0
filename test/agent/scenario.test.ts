import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/base/duration.js';
import { demandAt } from '../../src/rehearsal/load.js';
import { FAULTS, ScenarioError, demandsAt, loadScenarioFile, parseScenario, toFaultRequest } from '../../src/rehearsal/scenario.js';

const DIR = join(import.meta.dirname, '../../demo/scenarios');

const minimal = (spec: string) => `
apiVersion: sentinelops.dev/v1
kind: Scenario
metadata: {name: t}
spec:
  duration: 30m
  objects:
    - {apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: demo}, spec: {}}
${spec}`;

function problems(text: string): string[] {
  try {
    parseScenario(text, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as ScenarioError).problems;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('durations', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['24h', 86400],
    ['1h30m', 5400],
    ['500ms', 0.5],
    ['1d', 86400],
    [45, 45],
    ['45', 45],
  ] as const)('%s → %s s', (text, want) => expect(parseDuration(text)).toBe(want));
  it.each(['', '10 minutes', 'm5', '-5s', '1.5.2h'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
  it('formats', () => expect(formatDuration(5430)).toBe('1h30m30s'));
});

describe('load curves', () => {
  const points = {
    points: [
      [0, 300],
      [600, 1500],
      [1200, 300],
    ] as Array<[number, number]>,
  };
  it.each([
    [0, 300],
    [300, 900],
    [600, 1500],
    [900, 900],
    [1200, 300],
    [5000, 300],
    [-10, 300],
  ])('points at t=%s → %s', (t, want) => expect(demandAt(points, t)).toBeCloseTo(want, 6));

  const diurnal = { diurnal: { min: 200, max: 3000, periodSeconds: 86400, peakAtSeconds: 14 * 3600 } };
  it.each([
    [14 * 3600, 3000],
    [2 * 3600, 200],
    [8 * 3600, 1600],
    [20 * 3600, 1600],
    [14 * 3600 + 86400, 3000],
  ])('diurnal at t=%s → %s', (t, want) => expect(demandAt(diurnal, t)).toBeCloseTo(want, 6));
});

describe('demo/scenarios', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

  it('has at least 8 scenarios covering every fault and a 24 h diurnal load', async () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    const all = await Promise.all(files.map((f) => loadScenarioFile(join(DIR, f))));
    const faults = new Set(all.flatMap((s) => s.spec.events.map((e) => e.fault)));
    for (const f of FAULTS) expect(faults, `fault ${f}`).toContain(f);
    expect(all.some((s) => s.spec.duration >= 86400 && s.spec.load.some((l) => 'diurnal' in l))).toBe(true);
  });

  it.each(readdirSync(DIR).filter((f) => f.endsWith('.yaml')))('%s parses and its name matches the file', async (file) => {
    const s = await loadScenarioFile(join(DIR, file));
    expect(`${s.metadata.name}.yaml`).toBe(file);
    expect(s.spec.objects.length).toBeGreaterThan(0);
  });

  it('parses the bad-image rollout with durations in seconds and fault defaults', async () => {
    const s = await loadScenarioFile(join(DIR, 'bad-image-rollout.yaml'));
    expect(s.spec.duration).toBe(1200);
    expect(s.spec.events[0]).toEqual({ at: 300, fault: 'bad-image-rollout', deployment: 'demo/web', image: 'nginx:does-not-exist' });
    expect(demandsAt(s, 60)).toEqual({ 'demo/web': 150 });
  });
});

describe('parseScenario', () => {
  it('fills defaults', () => {
    const s = parseScenario(minimal(''));
    expect(s.spec).toMatchObject({ seed: 1, cluster: { nodes: 3, nodeCpu: '4', nodeMemory: '16Gi' }, load: [], events: [], agent: {} });
  });

  it('turns an event into a fault API request', () => {
    const s = parseScenario(minimal('  events: [{at: 8m, fault: crashloop, deployment: demo/web, until: 12m}]'));
    expect(toFaultRequest(s.spec.events[0]!)).toEqual({ fault: 'crashloop', deployment: 'demo/web', exitCode: 1, durationSeconds: 240 });
  });

  it.each([
    { name: 'wrong apiVersion', text: minimal('').replace('sentinelops.dev/v1', 'v2'), want: 'apiVersion: must be sentinelops.dev/v1' },
    { name: 'bad duration', text: minimal('').replace('duration: 30m', 'duration: 30 minutes'), want: 'spec.duration: "30 minutes" is not a duration' },
    { name: 'unknown fault', text: minimal('  events: [{at: 1m, fault: meteor, deployment: demo/web}]'), want: 'spec.events[0].fault: fault must be one of' },
    {
      name: 'missing fault parameter',
      text: minimal('  events: [{at: 1m, fault: memory-leak, deployment: demo/web}]'),
      want: 'spec.events[0].mibPerMinute: Required',
    },
    {
      name: 'unknown event field',
      text: minimal('  events: [{at: 1m, fault: crashloop, deployment: demo/web, colour: red}]'),
      want: "spec.events[0]: Unrecognized key(s) in object: 'colour'",
    },
    {
      name: 'until before at',
      text: minimal('  events: [{at: 5m, fault: crashloop, deployment: demo/web, until: 2m}]'),
      want: 'spec.events[0].until: must be after at',
    },
    { name: 'event after the end', text: minimal('  events: [{at: 2h, fault: node-down, node: node-2}]'), want: 'spec.events[0].at: is after the end' },
    {
      name: 'unknown deployment',
      text: minimal('  events: [{at: 1m, fault: crashloop, deployment: demo/api}]'),
      want: 'spec.events[0].deployment: no Deployment demo/api among spec.objects',
    },
    {
      name: 'bad deployment reference',
      text: minimal('  load: [{deployment: web, points: [[0s, 1]]}]'),
      want: 'spec.load[0].deployment: must be namespace/name',
    },
    {
      name: 'points out of order',
      text: minimal('  load: [{deployment: demo/web, points: [[5m, 1], [1m, 2]]}]'),
      want: 'spec.load[0].points[1]: points must be in time order',
    },
    {
      name: 'diurnal min above max',
      text: minimal('  load: [{deployment: demo/web, diurnal: {min: 5, max: 1}}]'),
      want: 'spec.load[0].diurnal.min: min must not exceed max',
    },
    { name: 'bad quantity', text: minimal('  cluster: {nodeCpu: four}'), want: 'spec.cluster.nodeCpu: "four" is not a Kubernetes quantity' },
    { name: 'bad agent override', text: minimal('  agent: {intervalSeconds: -1}'), want: 'spec.agent.intervalSeconds' },
    { name: 'unknown agent override', text: minimal('  agent: {speed: 11}'), want: 'spec.agent' },
    { name: 'YAML syntax', text: 'spec: [unclosed', want: 'YAML:' },
  ])('rejects $name with the field path', ({ text, want }) => {
    const p = problems(text);
    expect(p.join('\n')).toContain(want);
  });
});
