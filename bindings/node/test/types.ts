// The TypeScript declarations (index.d.ts) as a user's code sees them: make dist-test compiles
// this file with `tsc --strict --noEmit` against the installed package (no @types/node needed).
import { Client, CallEvent, MpgsError, Status, Stage, Operation, Readiness, validate, version, Session, Token, DeleteResult, GatewayInfo } from 'mpgs';

let last = '';

async function till(password: string): Promise<string> {
  const client = new Client({ merchantId: 'TESTMERCHANT', password, region: 'mtf', timeoutMs: 5000, trust: 'system', validationLevel: 'strict', tokenRepositoryUniqueCard: true,
    onCall: (e: CallEvent) => { last = `${e.operationName} ${e.path} ${e.httpStatus} ${e.stage} ${e.elapsedUs / 1000} ${e.ok}`; } });
  const expires: Date | null = client.certificateNotAfter();
  if (expires !== null && expires.getTime() < Date.now()) return 'expired';
  try {
    client.connect();
    const warmed: void = await client.connectAsync();
    const s: Session = await client.createSessionAsync({ session: { authenticationLimit: 5 } });
    const t: Token = client.createToken({ session: { id: s.id }, sourceOfFunds: { type: 'CARD' } });
    const again: Session = await client.retrieveSessionAsync(s.id ?? '', s.version);
    if (again.readiness !== Readiness.READY) return again.readinessName;
    const verbatim: string | null = t.jsonVerbatim();
    const d: DeleteResult = await client.deleteTokenAsync(t.token ?? '');
    const g: GatewayInfo = client.checkGateway();
    validate(Operation.UPDATE_SESSION, '{"order.currency": "USD"}', 0, 'auto');
    return `${version()} ${warmed} ${t.cardNumber} ${d.result} ${g.operating} ${verbatim === null}`;
  } catch (e) {
    if (e instanceof MpgsError) {
      if (e.status === Status.VALIDATION) return e.fieldErrors.map((fe) => `${fe.field}: ${fe.explanation}`).join('\n');
      if (e.outcomeUnknown || e.stage === Stage.UNANSWERED) return `look it up (${e.attempts} attempts, ${e.gatewayCause})`;
      return `${e.statusName} ${e.httpStatus}`;
    }
    throw e;
  } finally {
    client.close();
  }
}

export { till };
