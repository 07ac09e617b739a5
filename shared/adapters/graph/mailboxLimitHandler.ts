// Graph client middleware: holds one of the mailbox's permits for each HTTP attempt, so a 5th concurrent call waits here.
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import type { KeyedSemaphore } from "./keyedSemaphore.js";

export class MailboxLimitHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly limiter: KeyedSemaphore,
    private readonly mailbox: string,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error("MailboxLimitHandler needs a next middleware");
    const next = this.next;
    // The fetch handler below reads the whole body before returning, so the permit covers the complete exchange.
    await this.limiter.run(this.mailbox, () => next.execute(context));
  }
}
