// The PyTorch reference LightGCN (bench/torch_lightgcn.py) run as a child process on the same data and machine,
// so bench/train.ts can report graphrec's time-to-quality as a ratio measured in the same run. torch is not a
// project dependency: `--torch PYTHON` names an interpreter that has it.
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface TorchPeerResult {
  torch: string;
  threads: number;
  epochsDone: number;
  steps: number;
  trainSeconds: number;
  secondsPerEpoch: number;
  secondsTo: Record<'0.17' | '0.18', number | null>;
  /** The last evaluation (the model at the end of the budget). */
  final: { 'recall@20': number; 'ndcg@20': number };
  peakRssMb: number;
}

export function runTorchPeer(python: string, dataDir: string, minutes: number): Promise<TorchPeerResult> {
  const script = path.join(__dirname, 'torch_lightgcn.py');
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, '--data', dataDir, '--minutes', String(minutes)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let shown = 0;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      // Each evaluation is a JSON line: pass whole lines on as progress.
      const end = out.lastIndexOf('\n') + 1;
      for (const line of out.slice(shown, end).split('\n').filter(Boolean))
        process.stderr.write(`lightgcn-pytorch: ${line}\n`);
      shown = Math.max(shown, end);
    });
    child.on('error', (err) => reject(new Error(`cannot run ${python}: ${err.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${python} ${script} exited with ${code}`));
      const lines = out
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const summary = lines.find((l) => l.model === 'lightgcn-pytorch');
      const last = lines.filter((l) => l.final === true).pop();
      if (!summary || !last) return reject(new Error(`${script} printed no summary`));
      resolve({
        ...(summary as unknown as Omit<TorchPeerResult, 'final'>),
        final: { 'recall@20': Number(last['recall@20']), 'ndcg@20': Number(last['ndcg@20']) },
      });
    });
  });
}
