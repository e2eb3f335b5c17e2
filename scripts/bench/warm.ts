import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, round } from './lib.ts';

export interface WarmResult {
  logLevel: string;
  rounds: number;
  callsPerRound: number;
  bareUs: number;
  validUs: number;
  invalidUs: number;
  validOverheadUs: number;
  invalidOverheadUs: number;
  /** The same overheads in CPU time (user + system) per call: less sensitive to other load on the machine. */
  validCpuOverheadUs: number;
  invalidCpuOverheadUs: number;
}

/** Runs warm-child.ts in a fresh process at the given log level and takes medians over rounds. */
export async function warmOverhead(rounds: number, perRound: number, logLevel: 'INFO' | 'SILENT'): Promise<WarmResult> {
  const child = fork(fileURLToPath(new URL('./warm-child.ts', import.meta.url)), [String(rounds), String(perRound)], {
    execArgv: ['--import', 'tsx'],
    // The handler's logs (stdout and stderr) go to /dev/null; results and errors come back over IPC.
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: logLevel, NODE_ENV: 'production' },
  });
  type Samples = Record<'bare' | 'valid' | 'invalid', number[]>;
  const msg = await new Promise<{ samples: Samples; cpuSamples: Samples }>((resolve, reject) => {
    child.once('message', (m) => ((m as { error?: string }).error ? reject(new Error((m as { error: string }).error)) : resolve(m as never)));
    child.once('exit', (code) => reject(new Error(`warm-child exited with ${code} before reporting`)));
  });
  child.kill();
  const [bareUs, validUs, invalidUs] = [median(msg.samples.bare), median(msg.samples.valid), median(msg.samples.invalid)];
  const [bareCpu, validCpu, invalidCpu] = [median(msg.cpuSamples.bare), median(msg.cpuSamples.valid), median(msg.cpuSamples.invalid)];
  return {
    logLevel,
    rounds,
    callsPerRound: perRound,
    bareUs,
    validUs,
    invalidUs,
    validOverheadUs: validUs - bareUs,
    invalidOverheadUs: invalidUs - bareUs,
    validCpuOverheadUs: round(validCpu - bareCpu, 3),
    invalidCpuOverheadUs: round(invalidCpu - bareCpu, 3),
  };
}
