/**
 * Every service the simulator serves, one entry each. A new service is a module in this folder exporting
 * its table (a JsonService, RestJsonService, RestXmlService or QueryService) and one line here.
 */
import type { Service } from '../protocols/index.js';
import { codeDeployService } from './codedeploy.js';
import { ecrPublicService, ecrService } from './ecr.js';
import { ecsService } from './ecs.js';
import { ecsCapacityOperations } from './ecs-capacity.js';
import { ecsServiceOperations } from './ecs-services.js';
import { efsService } from './efs.js';
import { elbv2Service } from './elbv2.js';
import { autoScalingService, ec2Service } from './fleet.js';
import { iamService } from './iam.js';
import { imageBuilderService } from './imagebuilder.js';
import { logsService } from './logs.js';
import { s3Service } from './s3.js';
import { secretsManagerService } from './secretsmanager.js';
import { ssmService } from './ssm.js';

export const SERVICES: readonly Service[] = [
  ecrService,
  ecrPublicService,
  // ECS is one service in three modules: task definitions, services and tasks, container instances.
  {
    ...ecsService,
    operations: { ...ecsService.operations, ...ecsServiceOperations, ...ecsCapacityOperations },
  },
  logsService,
  codeDeployService,
  ssmService,
  imageBuilderService,
  ec2Service,
  autoScalingService,
  iamService,
  secretsManagerService,
  s3Service,
  elbv2Service,
  efsService,
];
