// Bundle entry for dist/rollout-ecs-ami.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
