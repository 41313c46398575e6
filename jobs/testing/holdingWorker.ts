// A worker that stops dead at one point of a refresh, for jobs/killResume.int.test.ts: the real startWorker and
// the real stages, except that on reaching HOLD it prints `held <point>` on stdout and waits for the SIGKILL the
// test sends. HOLD is `<stage>:start` (the pipeline has marked the stage running, its work has not begun) or
// `<stage>:end` (its side effects are done: a version trained, a pointer flipped; its result is not recorded).
// Everything else comes from the environment, as for `graphrec worker --port 0 --no-events --no-schedule`.
//   HOLD=publish:end node --import tsx jobs/testing/holdingWorker.ts
import { createLogger, loadConfig } from '../../core';
import { defaultStages, startWorker, STAGES, type StageImpls, type StageName } from '..';

const hold = process.env.HOLD ?? '';
const [holdStage, holdWhen] = hold.split(':') as [StageName, string];
if (!STAGES.includes(holdStage) || !['start', 'end'].includes(holdWhen))
  throw new Error(
    `HOLD must be <stage>:start or <stage>:end with a stage of ${STAGES.join(', ')}, but got: ${JSON.stringify(hold)}`,
  );

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel, 'holding-worker');

function holdHere(): Promise<never> {
  process.stdout.write(`held ${hold}\n`);
  return new Promise<never>(() => undefined);
}

const real = defaultStages();
const stages = { ...real } as StageImpls;
stages[holdStage] = async (ctx) => {
  if (holdWhen === 'start') await holdHere();
  const outcome = await real[holdStage](ctx);
  return holdWhen === 'end' ? holdHere() : outcome;
};

void startWorker({ config, logger, stages, port: null, events: false, schedule: false }).then(() =>
  process.stdout.write('ready\n'),
);
