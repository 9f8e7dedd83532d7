/** An upload the console does not keep as a k0s binary; the message says what it is instead. */
export class NotAK0sBinaryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotAK0sBinaryError";
  }
}
