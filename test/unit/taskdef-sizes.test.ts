// One reader of task cpu and memory for the validator, the comparison with ECS and render's inputs.
import { describe, expect, test } from '@jest/globals';
import { inputs } from '../../src/actions/render-task-definition/action.js';
import { UserError } from '../../src/errors.js';
import {
  comparable,
  cpuUnits as comparableCpu,
  memoryMiB as comparableMemory,
} from '../../src/taskdef/compare.js';
import { cpuUnits, memoryMiB } from '../../src/taskdef/sizes.js';
import { validateText } from '../../src/validate/validate.js';

const CPU: [unknown, number | undefined][] = [
  ['256', 256],
  ['1024', 1024],
  [1024, 1024],
  ['1 vCPU', 1024],
  ['1 vcpu', 1024],
  ['1vCPU', 1024],
  ['.25 vCPU', 256],
  ['0.25 vcpu', 256],
  ['0.5 vCPU', 512],
  ['16 VCPU', 16384],
  [' 2 vCPU ', 2048],
  ['lots', undefined],
  // Without a unit it is whole units: 0.5 of what?
  ['0.5', undefined],
  ['.25', undefined],
  ['1.2.3', undefined],
  ['vcpu', undefined],
  ['1 GB', undefined],
  ['-1', undefined],
  ['', undefined],
  [undefined, undefined],
  [null, undefined],
];
const MEMORY: [unknown, number | undefined][] = [
  ['0.5', undefined],
  ['512', 512],
  [2048, 2048],
  ['2 GB', 2048],
  ['2GB', 2048],
  ['2 gb', 2048],
  ['.5 GB', 512],
  ['0.5 GB', 512],
  ['1 GB', 1024],
  ['1.5GB', 1536],
  ['2 MB', undefined],
  ['2 GiB', undefined],
  ['1 vCPU', undefined],
  ['big', undefined],
  ['', undefined],
];

describe('sizes', () => {
  test.each(CPU)('cpu %j is %j units', (v, units) => expect(cpuUnits(v)).toBe(units));
  test.each(MEMORY)('memory %j is %j MiB', (v, mib) => expect(memoryMiB(v)).toBe(mib));
});

describe('render-task-definition accepts exactly what the validator reads', () => {
  const read = (name: 'cpu' | 'memory', raw: string) => {
    try {
      return inputs[name].read(raw, name);
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      return error as UserError;
    }
  };
  test.each(CPU.filter(([v]) => typeof v === 'string' && v.trim() !== ''))('cpu %j', (v, units) => {
    const got = read('cpu', v as string);
    if (units === undefined)
      expect((got as Error).message).toBe(
        `Input 'cpu' has the value "${(v as string).trim()}", which is not accepted: CPU units (256, 1024 …) or vCPU (0.5 vCPU, .25 vCPU, 1 vcpu).`,
      );
    // Kept as written: ECS takes either form.
    else expect(got).toBe((v as string).trim());
  });
  test.each(MEMORY.filter(([v]) => typeof v === 'string' && v !== ''))('memory %j', (v, mib) => {
    const got = read('memory', v as string);
    if (mib === undefined)
      expect((got as Error).message).toBe(
        `Input 'memory' has the value "${v as string}", which is not accepted: MiB (512, 2048 …) or GB (2 GB, 2GB, .5 GB).`,
      );
    else expect(got).toBe(v);
  });
});

describe('the comparison with a registered revision and the validator use the same reading', () => {
  test.each([
    ['.25 vCPU', '.5 GB', '256', '512'],
    ['1 vcpu', '2GB', '1024', '2048'],
    [512, 1024, '512', '1024'],
    ['lots', 'big', 'lots', 'big'],
  ])('%j / %j register as %s / %s', (cpu, memory, units, mib) => {
    expect([comparableCpu(cpu), comparableMemory(memory)]).toEqual([units, mib]);
    expect(comparable({ cpu, memory, containerDefinitions: [] })).toMatchObject({ cpu: units, memory: mib });
  });

  test('".25 vCPU" with ".5 GB" is a Fargate size the validator takes; ".25 vCPU" with "4 GB" is not', () => {
    const td = (cpu: string, memory: string) => ({
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu,
      memory,
      containerDefinitions: [{ name: 'app', image: 'nginx', essential: true }],
    });
    const sizeFindings = (cpu: string, memory: string) =>
      validateText(JSON.stringify(td(cpu, memory)), { file: 'td.json' }).filter(
        (f) => f.rule === 'fargate-cpu-memory',
      );
    expect(sizeFindings('.25 vCPU', '.5 GB')).toEqual([]);
    expect(sizeFindings('.25 vcpu', '4 GB')).toHaveLength(1);
  });
});
