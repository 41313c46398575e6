import { Command } from 'commander';
import { registerStack } from './stack';
import { registerCypher } from './cypher';
import { registerGenerate } from './generate';
import { registerEtl } from './etl';
import { registerTrain } from './train';
import { registerEval } from './eval';
import { registerModels } from './models';
import { registerServe } from './serve';
import { registerWorker } from './worker';
import { registerReport } from './report';
import { registerBench } from './bench';
import { registerRefresh } from './refresh';
import { registerAb } from './ab';
import { registerUsers } from './users';
import { registerAnalytics } from './analytics';
import { registerRedis } from './redis';

export function registerCommands(program: Command): void {
  registerStack(program);
  registerCypher(program);
  registerGenerate(program);
  registerEtl(program);
  registerTrain(program);
  registerEval(program);
  registerModels(program);
  registerServe(program);
  registerWorker(program);
  registerReport(program);
  registerBench(program);
  registerRefresh(program);
  registerAb(program);
  registerUsers(program);
  registerAnalytics(program);
  registerRedis(program);
}
