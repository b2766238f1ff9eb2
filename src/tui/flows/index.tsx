import { backups, type BackupsFlow } from './backups.js';
import { busy, type BusyFlow } from './busy.js';
import { choose, type ChooseFlow } from './choose.js';
import { confirm, type ConfirmFlow } from './confirm.js';
import type { FlowModule, FlowViewProps, KeyOutcome, KeyPress } from './flow.js';
import { help, type HelpFlow } from './help.js';
import { log, type LogFlow } from './log.js';
import { prompt, type PromptFlow } from './prompt.js';
import { result, type ResultFlow } from './result.js';
import { running, type RunningFlow } from './running.js';
import { verify, type VerifyFlow } from './verify.js';

/** What covers the main screen, if anything: one flow at a time. */
export type Flow = BusyFlow | HelpFlow | LogFlow | BackupsFlow | ChooseFlow | ConfirmFlow | PromptFlow | RunningFlow | ResultFlow | VerifyFlow;

/** Every kind of flow has its module: a new kind without one does not compile. */
const FLOWS: { readonly [K in Flow['kind']]: FlowModule<Extract<Flow, { kind: K }>> } = { busy, help, log, backups, choose, confirm, prompt, running, result, verify };

/** The module of a flow (one cast: TypeScript cannot correlate `kind` with the module's state). */
const moduleOf = (flow: Flow) => FLOWS[flow.kind] as FlowModule<Flow>;

/** A key to the open flow. */
export const flowKey = (flow: Flow, key: KeyPress): KeyOutcome<Flow> => moduleOf(flow).onKey(flow, key);

/** Whether the open flow takes text (then a chunk of input is not split into keys). */
export const flowTyping = (flow: Flow): boolean => moduleOf(flow).typing?.(flow) ?? false;

/** The open flow's view. */
export function FlowView(props: FlowViewProps<Flow>) {
  const { View } = moduleOf(props.flow);
  return <View {...props} />;
}
