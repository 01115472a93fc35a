// Bundle entry for dist/ecr-repository.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
