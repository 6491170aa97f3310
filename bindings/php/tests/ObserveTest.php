<?php
// The onCall hook, the client certificate's expiry, and NUL in strings, against the sandbox
// (the variables of TillTest.php). Run with TillTest by `make test-php-ruby` and, through the
// installed package, by tests/dist/php-ruby.sh.
declare(strict_types=1);

use Mpgs\CallEvent;
use Mpgs\Client;
use Mpgs\Exception as MpgsException;
use Mpgs\GatewayException;
use Mpgs\InvalidArgumentException;
use Mpgs\IoException;
use Mpgs\Mpgs;
use Mpgs\Operation;
use Mpgs\Request;
use Mpgs\Stage;
use Mpgs\Status;
use Mpgs\ValidationException;
use PHPUnit\Framework\TestCase;

final class ObserveTest extends TestCase
{
    private const CARD_TOKEN = [
        'sourceOfFunds' => ['type' => 'CARD', 'provided' => ['card' => [
            'number' => '5123450000000008', 'expiry' => ['month' => '5', 'year' => '30'], 'securityCode' => '7319']]],
        'verificationStrategy' => 'BASIC',
    ];
    private const SECRETS = ['sandbox-password', '5123450000000008', '5123450000000009', '7319', 'Authorization', 'Basic '];

    /** @var list<CallEvent> */
    private array $events = [];

    private static function env(string $name): string
    {
        $v = getenv($name);
        if (!$v) {
            self::fail("$name is not set: run tests/dist/php-ruby.sh or make test-php-ruby");
        }
        return $v;
    }

    /** A client whose hook keeps every event in $this->events. */
    private function client(array $more = []): Client
    {
        return new Client($more + [
            'merchantId' => self::env('MPGS_MERCHANT_ID'), 'password' => self::env('MPGS_PASSWORD'),
            'baseUrl' => self::env('MPGS_BASE_URL'), 'caFile' => self::env('MPGS_CA_FILE'),
            'timeoutMs' => 5000, 'maxRetries' => 0,
            'onCall' => function (CallEvent $e): void {
                $this->events[] = $e;
            },
        ]);
    }

    /** Runs $f, which must throw $class; returns it. */
    private static function throws(callable $f, string $class): MpgsException
    {
        try {
            $f();
        } catch (MpgsException $e) {
            self::assertInstanceOf($class, $e, $e->getMessage());
            return $e;
        }
        self::fail("no $class thrown");
    }

    /** The one event the last call gave. */
    private function last(int $count): CallEvent
    {
        self::assertCount($count, $this->events, 'one event per call');
        return $this->events[$count - 1];
    }

    private static function assertNoSecret(CallEvent $e): void
    {
        $texts = [print_r($e, true), var_export($e, true), (string) json_encode(get_object_vars($e)), serialize($e)];
        foreach ($texts as $text) {
            foreach (self::SECRETS as $s) {
                self::assertStringNotContainsString($s, $text, "a call event holds $s");
            }
        }
    }

    public function testEventsOfASuccessAGatewayErrorARefusalBeforeSendingAndATransportFailure(): void
    {
        $c = $this->client();
        $s = $c->createSession(['correlationId' => 'obs-1']);
        $e = $this->last(1);
        self::assertSame('createSession', $e->operation);
        self::assertSame('Create Session', $e->operationName);
        self::assertSame('POST', $e->method);
        self::assertSame('/api/rest/version/58/merchant/' . self::env('MPGS_MERCHANT_ID') . '/session', $e->path);
        self::assertSame(58, $e->apiVersion);
        self::assertSame(201, $e->httpStatus);
        self::assertSame(1, $e->attempts);
        self::assertGreaterThan(0.0, $e->elapsed);
        self::assertLessThan(5.5, $e->elapsed);
        self::assertFalse($e->outcomeUnknown);
        self::assertSame(Status::Ok, $e->status);
        self::assertNull($e->stage);
        self::assertTrue($e->ok());

        // The gateway's refusal (a card number failing its check, with the security code).
        $bad = str_replace('5123450000000008', '5123450000000009', (string) json_encode(self::CARD_TOKEN));
        $g = self::throws(fn () => $c->createToken($bad), GatewayException::class);
        $e = $this->last(2);
        self::assertSame('createToken', $e->operation);
        self::assertSame('/api/rest/version/38/merchant/' . self::env('MPGS_MERCHANT_ID') . '/token', $e->path);
        self::assertSame(38, $e->apiVersion);
        self::assertSame(400, $e->httpStatus);
        self::assertSame($g->attempts, $e->attempts);
        self::assertSame(Status::Gateway, $e->status);
        self::assertSame(Stage::Answered, $e->stage);
        self::assertFalse($e->ok());

        // Refused before sending: an event with 0 attempts, no HTTP status, stage NotSent.
        self::throws(fn () => $c->createToken(['sourceOfFunds' => ['type' => 'CARD', 'provided' => ['card' => [
            'number' => '5123450000000008-', 'securityCode' => '7319x', 'expiry' => ['month' => '13', 'year' => '30']]]]]), ValidationException::class);
        $e = $this->last(3);
        self::assertSame(0, $e->attempts);
        self::assertNull($e->httpStatus);
        self::assertSame(Status::Validation, $e->status);
        self::assertSame(Stage::NotSent, $e->stage);
        self::assertFalse($e->outcomeUnknown);
        self::throws(fn () => $c->retrieveSession('SESSION0002/../x'), ValidationException::class);
        self::assertStringEndsWith('/session/{sessionId}', $this->last(4)->path);

        // Ids as sent; a token id that could be a card number masked 6.4.
        $c->updateSession((string) $s->id, ['order' => ['currency' => 'USD']]);
        $e = $this->last(5);
        self::assertSame(['updateSession', 'PUT', 200], [$e->operation, $e->method, $e->httpStatus]);
        self::assertStringEndsWith('/session/' . $s->id, $e->path);
        self::throws(fn () => $c->deleteToken('5123450000000008'), GatewayException::class);
        $e = $this->last(6);
        self::assertSame(['deleteToken', 'DELETE'], [$e->operation, $e->method]);
        self::assertStringEndsWith('/token/512345xxxxxx0008', $e->path);
        $c->checkGateway();
        self::assertSame(['checkGateway', 'GET', 200], [$this->last(7)->operation, $this->last(7)->method, $this->last(7)->httpStatus]);

        // No answer: the connection closed after sending.
        $f = $this->client(['baseUrl' => self::env('MPGS_FAULT_URL'), 'caFile' => self::env('MPGS_FAULT_CA')]);
        $io = self::throws(fn () => $f->createToken(self::CARD_TOKEN), IoException::class);
        $e = $this->last(8);
        self::assertSame(Status::Io, $e->status);
        self::assertSame(Stage::Unanswered, $e->stage);
        self::assertTrue($e->outcomeUnknown);
        self::assertSame($io->attempts, $e->attempts);
        self::assertNull($e->httpStatus);

        foreach ($this->events as $event) {
            self::assertNoSecret($event);
        }
    }

    public function testTheEventCannotBeChanged(): void
    {
        $this->client()->checkGateway();
        $e = $this->last(1);
        $this->expectException(\Error::class);
        $e->path = '/elsewhere'; // @phpstan-ignore-line
    }

    public function testAThrowingHookNeverBreaksTheCallAndIsLogged(): void
    {
        $log = (string) tempnam(sys_get_temp_dir(), 'mpgs-hook');
        $before = ini_set('error_log', $log);
        try {
            $calls = 0;
            $c = new Client(['merchantId' => self::env('MPGS_MERCHANT_ID'), 'password' => self::env('MPGS_PASSWORD'),
                'baseUrl' => self::env('MPGS_BASE_URL'), 'caFile' => self::env('MPGS_CA_FILE'), 'maxRetries' => 0,
                'onCall' => function (CallEvent $e) use (&$calls): void {
                    $calls++;
                    if ($e->ok()) {
                        throw new \RuntimeException('hook failed on purpose');
                    }
                    throw new \TypeError('an Error, not an Exception');
                }]);
            self::assertSame(201, $c->createSession()->httpStatus);
            self::assertSame('512345xxxxxx0008', $c->createToken(self::CARD_TOKEN)->cardNumber);
            // A failed call throws its own exception, not the hook's.
            self::throws(fn () => $c->createToken(['sourceOfFunds' => ['type' => 'CARD']]), ValidationException::class);
            self::assertSame(3, $calls);
            $text = (string) file_get_contents($log);
            self::assertSame(2, substr_count($text, 'mpgs: the onCall hook threw RuntimeException: hook failed on purpose'), $text);
            self::assertStringContainsString('mpgs: the onCall hook threw TypeError: an Error, not an Exception', $text);
        } finally {
            ini_set('error_log', (string) $before);
            @unlink($log);
        }
    }

    public function testTheHookRunsAfterLibmpgsReturnedAndMayUseTheClient(): void
    {
        // The hook is handed the event once the C call has returned: calling the client from it is
        // an ordinary call (with its own event), not a call from inside libmpgs.
        $seen = [];
        $c = null;
        $c = new Client(['merchantId' => self::env('MPGS_MERCHANT_ID'), 'password' => self::env('MPGS_PASSWORD'),
            'baseUrl' => self::env('MPGS_BASE_URL'), 'caFile' => self::env('MPGS_CA_FILE'),
            'onCall' => function (CallEvent $e) use (&$seen, &$c): void {
                $seen[] = $e->operation;
                if ($e->operation === 'createSession') {
                    $c->checkGateway();
                }
            }]);
        $c->createSession();
        self::assertSame(['createSession', 'checkGateway'], $seen);
    }

    public function testOnCallMustBeCallable(): void
    {
        $e = self::throws(fn () => $this->client(['onCall' => 'no_such_function_anywhere']), \Mpgs\ConfigException::class);
        self::assertSame('onCall', $e->field);
    }

    public function testTheClientCertificatesExpiry(): void
    {
        $cert = new Client(['merchantId' => self::env('MPGS_CERT_MERCHANT_ID'), 'certFile' => self::env('MPGS_CLIENT_CERT'),
            'keyFile' => self::env('MPGS_CLIENT_KEY'), 'baseUrl' => self::env('MPGS_BASE_URL'), 'caFile' => self::env('MPGS_CA_FILE')]);
        $expiry = $cert->clientCertificateExpiry();
        self::assertInstanceOf(\DateTimeImmutable::class, $expiry);
        $parsed = openssl_x509_parse((string) file_get_contents(self::env('MPGS_CLIENT_CERT')));
        self::assertIsArray($parsed);
        self::assertSame($parsed['validTo_time_t'], $expiry->getTimestamp());
        self::assertSame('+00:00', $expiry->getTimezone()->getName());
        self::assertNull($this->client()->clientCertificateExpiry());
        $closed = $this->client();
        $closed->close();
        self::throws(fn () => $closed->clientCertificateExpiry(), InvalidArgumentException::class);
    }

    /** Runs $f, which must refuse a NUL with an InvalidArgumentException naming $name. */
    private static function refusesNul(callable $f, string $name): void
    {
        $e = self::throws($f, InvalidArgumentException::class);
        self::assertSame($name, $e->field);
        self::assertSame(Status::InvalidArgument, $e->status);
        self::assertSame(Stage::NotSent, $e->stage);
        self::assertStringContainsString('NUL', $e->getMessage());
        self::assertStringNotContainsString("\0", $e->getMessage());
    }

    public function testANulIsRefusedNeverCutShort(): void
    {
        // C reads up to the NUL: `<token>\0/../x` would delete <token>.
        $plain = new Client(['merchantId' => self::env('MPGS_MERCHANT_ID'), 'password' => self::env('MPGS_PASSWORD'),
            'baseUrl' => self::env('MPGS_BASE_URL'), 'caFile' => self::env('MPGS_CA_FILE')]);
        $token = (string) $plain->createToken(self::CARD_TOKEN)->token;
        self::refusesNul(fn () => $plain->deleteToken("$token\0/../x"), 'token');
        self::assertSame($token, $plain->retrieveToken($token)->token, 'the token was deleted');
        $c = $this->client();
        self::refusesNul(fn () => $c->deleteToken("$token\0/../x"), 'token');
        self::assertSame($token, $c->retrieveToken($token)->token, 'the token was deleted');
        self::assertCount(1, $this->events, 'a call refused before it reached libmpgs has no event');
        self::refusesNul(fn () => $c->retrieveToken("$token\0"), 'token');
        $id = (string) $c->createSession()->id;
        self::refusesNul(fn () => $c->retrieveSession("$id\0x"), 'sessionId');
        self::refusesNul(fn () => $c->updateSession("$id\0x", ['order' => ['currency' => 'USD']]), 'sessionId');
        self::refusesNul(fn () => $c->updateSession($id, "{\"order\":{\"currency\":\"USD\"}}\0{"), 'body');
        self::refusesNul(fn () => $c->createSession("{}\0"), 'body');
        self::refusesNul(fn () => $c->createToken("{\"sourceOfFunds\":{\"type\":\"CARD\"}}\0"), 'body');
        self::refusesNul(fn () => Mpgs::validate(Operation::CreateSession, "{}\0"), 'body');
        // In an array body, json_encode writes the NUL as \u0000: the gateway's rules judge it.
        self::throws(fn () => Mpgs::validate(Operation::CreateToken, ['sourceOfFunds' => ['type' => "CARD\0"]]), ValidationException::class);
        $r = new Request(Operation::CreateToken);
        self::refusesNul(fn () => $r->set("sourceOfFunds.type\0x", 'CARD'), 'name');
        self::refusesNul(fn () => $r->set('sourceOfFunds.provided.card.number', "5123450000000008\0"), 'sourceOfFunds.provided.card.number');
        self::refusesNul(fn () => $r->unset("correlationId\0"), 'name');
        $s = $c->retrieveSession($id);
        self::refusesNul(fn () => $s->get("session.id\0x"), 'name');
        self::refusesNul(fn () => $s->readyForToken("v\0"), 'expectedVersion');
        $o = ['merchantId' => self::env('MPGS_MERCHANT_ID'), 'password' => self::env('MPGS_PASSWORD'),
            'baseUrl' => self::env('MPGS_BASE_URL'), 'caFile' => self::env('MPGS_CA_FILE')];
        foreach (['merchantId' => "TESTMERCHANT\0x", 'password' => "sandbox-password\0x", 'baseUrl' => $o['baseUrl'] . "\0x",
            'caFile' => $o['caFile'] . "\0x", 'proxy' => "http://127.0.0.1:1\0x", 'region' => "mtf\0x"] as $key => $value) {
            $more = $key === 'region' ? ['baseUrl' => null] : [];
            self::refusesNul(fn () => new Client([$key => $value] + $more + $o), $key);
        }
        self::refusesNul(fn () => new Client(['caFiles' => [$o['caFile'] . "\0"]] + $o), 'caFiles');
        self::refusesNul(fn () => new Client(['merchantId' => 'CERTMERCHANT', 'certFile' => self::env('MPGS_CLIENT_CERT') . "\0x",
            'keyFile' => self::env('MPGS_CLIENT_KEY'), 'baseUrl' => $o['baseUrl']]), 'certFile');
        self::refusesNul(fn () => new Client(['merchantId' => 'CERTMERCHANT', 'certFile' => self::env('MPGS_CLIENT_CERT'),
            'keyFile' => self::env('MPGS_CLIENT_KEY') . "\0x", 'baseUrl' => $o['baseUrl']]), 'keyFile');
        $c->deleteToken($token);
    }
}
