/** Admission for apps/v1 Deployments and ReplicaSets: defaults, selector/template checks, immutability. */
import { ApiError } from '../../errors.js';
import { matchLabels, requirementsFromLabelSelector } from '../../selectors.js';
import type { KObject } from '../../types.js';
import { checkReplicas, isObj, type KindAdmission, type Obj } from './kind.js';
import { defaultPodSpec, validatePodSpec } from './podspec.js';
import { type Causes, deepEqual, isInt, validateStringMap } from './validation.js';

function defaultTemplate(spec: Obj): void {
  if (!isObj(spec.template)) return;
  spec.template.metadata ??= {};
  if (isObj(spec.template.spec)) defaultPodSpec(spec.template.spec);
}

function validateSelectorAndTemplate(spec: Obj, causes: Causes, old?: KObject): void {
  const sel = spec.selector;
  if (!isObj(sel)) causes.required('spec.selector', '');
  else {
    let reqs;
    try {
      reqs = requirementsFromLabelSelector(sel);
    } catch (e) {
      causes.invalid('spec.selector', sel, (e as Error).message);
    }
    if (reqs && reqs.length === 0) causes.invalid('spec.selector', sel, 'empty selector is invalid for deployment');
    const labels = spec.template?.metadata?.labels;
    if (reqs && reqs.length > 0 && !matchLabels(reqs, isObj(labels) ? labels : undefined))
      causes.invalid('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`');
  }
  if (old && isObj(old.spec) && !deepEqual(old.spec.selector, sel)) causes.invalid('spec.selector', sel, 'field is immutable');
  if (!isObj(spec.template)) return causes.required('spec.template', '');
  validateStringMap(spec.template.metadata?.labels, 'spec.template.metadata.labels', 'label', causes);
  validatePodSpec(spec.template.spec, 'spec.template.spec', causes, ['Always']);
}

function intOrPercent(v: unknown, field: string, causes: Causes): number | undefined {
  if (isInt(v)) {
    if (v < 0) causes.invalid(field, v, 'must be greater than or equal to 0');
    return v;
  }
  if (typeof v === 'string' && /^\d+%$/.test(v)) {
    const pct = Number(v.slice(0, -1));
    if (pct > 100 && field.endsWith('maxUnavailable')) causes.invalid(field, v, 'must not be greater than 100%');
    return pct;
  }
  causes.invalid(field, v, 'a valid IntOrString must be an integer or a percentage (e.g. 25%)');
  return undefined;
}

export const deploymentAdmission: KindAdmission = {
  defaults(o) {
    const spec: Obj = (o.spec ??= {});
    spec.replicas ??= 1;
    spec.strategy ??= {};
    spec.strategy.type ??= 'RollingUpdate';
    if (spec.strategy.type === 'RollingUpdate') {
      spec.strategy.rollingUpdate ??= {};
      spec.strategy.rollingUpdate.maxSurge ??= '25%';
      spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultTemplate(spec);
  },
  initialStatus: () => ({}),
  validate(o, causes, old) {
    if (!isObj(o.spec)) return causes.required('spec', '');
    const spec = o.spec;
    checkReplicas(spec.replicas, 'spec.replicas', causes);
    validateSelectorAndTemplate(spec, causes, old);
    const strategy = spec.strategy;
    if (!['RollingUpdate', 'Recreate'].includes(strategy?.type)) causes.unsupported('spec.strategy.type', strategy?.type, ['Recreate', 'RollingUpdate']);
    else if (strategy.type === 'Recreate' && strategy.rollingUpdate !== undefined)
      causes.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'");
    else if (strategy.type === 'RollingUpdate') {
      const surge = intOrPercent(strategy.rollingUpdate?.maxSurge, 'spec.strategy.rollingUpdate.maxSurge', causes);
      const unavailable = intOrPercent(strategy.rollingUpdate?.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable', causes);
      if (surge === 0 && unavailable === 0)
        causes.invalid('spec.strategy.rollingUpdate.maxUnavailable', strategy.rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0');
    }
    for (const f of ['revisionHistoryLimit', 'minReadySeconds'] as const) {
      const v = spec[f];
      if (v !== undefined && (!isInt(v) || v < 0)) causes.invalid(`spec.${f}`, v, 'must be greater than or equal to 0');
    }
    const deadline = spec.progressDeadlineSeconds;
    if (!isInt(deadline) || deadline <= (spec.minReadySeconds ?? 0))
      causes.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds');
    if (spec.paused !== undefined && typeof spec.paused !== 'boolean')
      throw ApiError.badRequest('json: cannot unmarshal into Go struct field DeploymentSpec.spec.paused of type bool');
  },
};

export const replicaSetAdmission: KindAdmission = {
  defaults(o) {
    const spec: Obj = (o.spec ??= {});
    spec.replicas ??= 1;
    defaultTemplate(spec);
  },
  initialStatus: () => ({ replicas: 0 }),
  validate(o, causes, old) {
    if (!isObj(o.spec)) return causes.required('spec', '');
    checkReplicas(o.spec.replicas, 'spec.replicas', causes);
    validateSelectorAndTemplate(o.spec, causes, old);
  },
};
