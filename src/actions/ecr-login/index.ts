// Bundle entry for dist/ecr-login: the runner calls it for the main step and again for the post step.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
