import { rehearse } from '../src/rehearsal/rehearse.js';
import { loadScenarioFile } from '../src/rehearsal/scenario.js';
const [file, ...pols] = process.argv.slice(2);
const s = await loadScenarioFile(file!);
for (const p of pols) {
  const { report } = await rehearse(s, { policy: p as any });
  console.log(p, report.wallSeconds, JSON.stringify(report.totals), JSON.stringify(Object.fromEntries(Object.entries(report.deployments).map(([k,d])=>[k,{rs:d.replicaSeconds,slo:d.sloViolationSeconds,fin:d.finalReplicas,dis:d.disruptions}]))));
}
