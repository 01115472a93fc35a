// Bundle entry for dist/continue-deployment.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
