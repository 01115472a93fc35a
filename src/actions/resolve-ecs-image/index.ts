// Bundle entry for dist/resolve-ecs-image.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
