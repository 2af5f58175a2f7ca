export { caseWorkflow } from './case-workflow';
export { deliverNotification } from './delivery-workflow';
