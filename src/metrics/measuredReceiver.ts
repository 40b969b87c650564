// Times every ack, in both modes: the receiver (HTTP or Socket Mode) hands each payload to the App it
// was given; here that App is one whose processEvent wraps the payload's ack with a clock. The time
// runs from the payload reaching Bolt (signature checked, or the envelope read) to its ack being sent,
// authorization included, which global middleware would miss.
import type { AckFn, App, Receiver, ReceiverEvent } from '@slack/bolt';
import { payloadTypeLabel } from './labels.js';
import type { Metrics } from './metrics.js';

export function measuredReceiver(receiver: Receiver, metrics: Metrics): Receiver {
  return {
    init(app: App): void {
      const timed = (event: ReceiverEvent) => app.processEvent(timedAck(event, metrics));
      // Everything but processEvent is the App itself (the receivers read nothing else today).
      receiver.init(Object.create(app, { processEvent: { value: timed } }) as App);
    },
    start: (...args: unknown[]) => receiver.start(...args),
    stop: (...args: unknown[]) => receiver.stop(...args),
  };
}

function timedAck(event: ReceiverEvent, metrics: Metrics): ReceiverEvent {
  const started = performance.now();
  const ack = event.ack;
  let timed = false;
  const measured: AckFn<unknown> = async (response) => {
    try {
      await ack(response);
    } finally {
      // The first ack only: a second one is refused (HTTP) or ignored (Socket Mode).
      if (!timed) {
        timed = true;
        metrics.acked(payloadTypeLabel(event.body), (performance.now() - started) / 1000);
      }
    }
  };
  return { ...event, ack: measured };
}
