// Bundle entry for dist/deploy, the root action.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
