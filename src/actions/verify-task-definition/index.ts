// Bundle entry for dist/verify-task-definition.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
