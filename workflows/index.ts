// The worker's workflowsPath: every workflow type hookflow registers.
export { eventWorkflow } from './event-workflow.js';
export { deliveryWorkflow } from './delivery-workflow.js';
export { orderedDeliveryWorkflow } from './ordered-delivery-workflow.js';
export { retentionWorkflow } from './retention-workflow.js';
export { resealWorkflow } from './reseal-workflow.js';
export { recoveryWorkflow } from './recovery-workflow.js';
