// Bundle entry for dist/image-pipeline.
import { runAction } from '../../github/action.js';
import action from './action.js';

await runAction(action);
