// Bundle entry for dist/validate-task-definitions.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
