// Claim-check reads from Blob Storage: the size of an attachment blob and ranges of its bytes (never the whole file at once).
import { RestError, type BlobServiceClient } from "@azure/storage-blob";
import type { StorageConnection } from "../../config/config.js";
import { createBlobServiceClient } from "./blobClients.js";
import { PermanentError, TransientError } from "../../domain/errors.js";

export interface BlobRef {
  /** Defaults to the adapter's default container (the EMAIL_BLOB_CONTAINER setting). */
  container?: string | undefined;
  name: string;
}

export interface BlobInfo {
  container: string;
  name: string;
  size: number;
  contentType: string | undefined;
}

/** STORAGE_CONNECTION in either form (a connection string with a BlobEndpoint, Azurite's in tests, or identity-based). */
export type AttachmentBlobsOptions = StorageConnection & {
  /** Container used when a reference names none. */
  defaultContainer: string;
};

const statusOf = (e: unknown): number | undefined => (e instanceof RestError ? e.statusCode : undefined);

/**
 * Storage's answer → our error kinds: 404 not found, 401/403 forbidden, any other 4xx but 408/429 a request storage
 * will never accept (e.g. 400 for an invalid name) — all permanent; 408, 429, 5xx and no answer are transient.
 */
export function mapBlobError(error: unknown, what: string): Error {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  if (status === 404) return new PermanentError("blob_not_found", `${what}: not found`, { cause: error });
  if (status === 403 || status === 401)
    return new PermanentError("blob_forbidden", `${what}: access denied (${message})`, { cause: error });
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return new PermanentError("blob_refused", `${what}: refused by storage (${status}: ${message})`, { cause: error });
  return new TransientError("blob_unavailable", `${what}: ${message}`, { cause: error });
}

export class AttachmentBlobs {
  constructor(
    private readonly service: BlobServiceClient,
    readonly defaultContainer: string,
  ) {}

  static fromConnectionString(options: AttachmentBlobsOptions): AttachmentBlobs {
    return new AttachmentBlobs(createBlobServiceClient(options), options.defaultContainer);
  }

  private client(ref: BlobRef) {
    const container = ref.container ?? this.defaultContainer;
    return { container, blob: this.service.getContainerClient(container).getBlockBlobClient(ref.name) };
  }

  private describe(ref: BlobRef): string {
    return `blob ${ref.container ?? this.defaultContainer}/${ref.name}`;
  }

  /** Size and content type; undefined when the blob (or its container) does not exist. */
  async stat(ref: BlobRef): Promise<BlobInfo | undefined> {
    const { container, blob } = this.client(ref);
    try {
      const p = await blob.getProperties();
      return { container, name: ref.name, size: p.contentLength ?? 0, contentType: p.contentType };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw mapBlobError(error, this.describe(ref));
    }
  }

  /** `count` bytes from `offset` (one ranged GET). A blob that vanished meanwhile → PermanentError blob_not_found. */
  async readRange(ref: BlobRef, offset: number, count: number): Promise<Buffer> {
    if (count === 0) return Buffer.alloc(0);
    const { blob } = this.client(ref);
    const changed = (got: number) =>
      new PermanentError(
        "blob_changed",
        `${this.describe(ref)}: expected ${count} bytes at ${offset}, got ${got} (the blob changed while sending)`,
      );
    let bytes: Buffer;
    try {
      const res = await blob.download(offset, count);
      const chunks: Buffer[] = [];
      for await (const chunk of res.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Uint8Array));
      bytes = Buffer.concat(chunks);
    } catch (error) {
      if (statusOf(error) === 416) throw changed(0);
      throw mapBlobError(error, this.describe(ref));
    }
    if (bytes.length !== count) throw changed(bytes.length);
    return bytes;
  }

  /** The whole blob (for small attachments that travel inline). */
  async read(ref: BlobRef, size: number): Promise<Buffer> {
    return this.readRange(ref, 0, size);
  }

  /** Writes a blob, creating the container if needed (what the ERP side does; used by tests and tooling). */
  async upload(ref: BlobRef, bytes: Uint8Array, contentType = "application/octet-stream"): Promise<void> {
    const { blob, container } = this.client(ref);
    try {
      await this.service.getContainerClient(container).createIfNotExists();
      await blob.uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
    } catch (error) {
      throw mapBlobError(error, this.describe(ref));
    }
  }
}
