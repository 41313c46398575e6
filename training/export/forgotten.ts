// The shoppers erased on request (privacy/): the export leaves out their User rows and their events, also when
// the shop's next ETL load brought them back from its own files, so no later model is trained on them.
import type { GraphClient } from '../../graph';
import { readForgottenUsers, type ForgottenUsers } from '../../privacy';

export const forgottenUsersOf = (graph: GraphClient): Promise<ForgottenUsers> => readForgottenUsers(graph);
