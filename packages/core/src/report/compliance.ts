import type { AuditResult, Finding } from '../engine.js';
import type { Resource } from '../model.js';

/** One control of a framework: how many of its findings passed, failed, were not evaluated or were waived. */
export interface ControlStatus {
  framework: string;
  control: string;
  title: string;
  passed: number;
  failed: number;
  notEvaluated: number;
  waived: number;
  /** Unwaived failures under this control. */
  failing: Array<{ ruleId: string; resource: Resource; severity: string }>;
}

/** One framework's controls with their status, for the compliance summary. */
export interface FrameworkCompliance {
  id: string;
  title: string;
  controls: ControlStatus[];
}

/**
 * Tallies findings per framework control. A finding counts toward every control its rule maps to;
 * controls that no selected rule maps to are left out rather than shown as passing.
 */
export function complianceByFramework(result: AuditResult): FrameworkCompliance[] {
  return result.frameworks.map((fw) => {
    const byControl = new Map<string, ControlStatus>();
    const statusOf = (control: string): ControlStatus => {
      let s = byControl.get(control);
      if (!s) {
        s = { framework: fw.id, control, title: fw.controls[control] ?? '', passed: 0, failed: 0, notEvaluated: 0, waived: 0, failing: [] };
        byControl.set(control, s);
      }
      return s;
    };
    for (const rule of result.rules) for (const control of rule.controls[fw.id] ?? []) statusOf(control);
    for (const f of result.findings) {
      for (const control of f.rule.controls[fw.id] ?? []) count(statusOf(control), f);
    }
    const order = Object.keys(fw.controls);
    const controls = [...byControl.values()].sort((a, b) => order.indexOf(a.control) - order.indexOf(b.control));
    return { id: fw.id, title: fw.title, controls };
  });
}

function count(s: ControlStatus, f: Finding): void {
  if (f.status === 'pass') s.passed++;
  else if (f.status === 'not-evaluated') s.notEvaluated++;
  else if (f.waiver) s.waived++;
  else {
    s.failed++;
    s.failing.push({ ruleId: f.rule.id, resource: f.resource, severity: f.severity });
  }
}
