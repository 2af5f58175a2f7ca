/** Names of the trivial workflows and their messages, importable outside the workflow sandbox. */
export { finishSignal, pingUpdate } from './workflows';
export const echoWorkflowName = 'echoWorkflow';
export const timerWorkflowName = 'timerWorkflow';
