// Bundle entry for dist/run-task.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
