// Bundle entry for dist/render-task-definition.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
