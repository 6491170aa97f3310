<?php
// The till flow against the sandbox (MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID,
// MPGS_PASSWORD, MPGS_CERT_MERCHANT_ID, MPGS_CLIENT_CERT, MPGS_CLIENT_KEY; MPGS_FAULT_URL and
// MPGS_FAULT_CA: a sandbox that closes every connection unanswered). Run by
// tests/dist/php-ruby.sh against the installed package, and by `make test-php-ruby` here.
declare(strict_types=1);

use Mpgs\AnsweredException;
use Mpgs\AuthenticationException;
use Mpgs\Client;
use Mpgs\ConfigException;
use Mpgs\ConnectException;
use Mpgs\Exception as MpgsException;
use Mpgs\GatewayException;
use Mpgs\InvalidArgumentException;
use Mpgs\IoException;
use Mpgs\Mpgs;
use Mpgs\NotSentException;
use Mpgs\Operation;
use Mpgs\Readiness;
use Mpgs\Request;
use Mpgs\Stage;
use Mpgs\Status;
use Mpgs\TlsException;
use Mpgs\Trust;
use Mpgs\UnansweredException;
use Mpgs\ValidationException;
use Mpgs\ValidationLevel;
use PHPUnit\Framework\TestCase;

final class TillTest extends TestCase
{
    private const CARD_TOKEN = [
        'sourceOfFunds' => ['type' => 'CARD', 'provided' => ['card' => [
            'number' => '5123450000000008', 'expiry' => ['month' => '5', 'year' => '30'], 'securityCode' => '123']]],
        'verificationStrategy' => 'BASIC',
    ];
    private const SECRETS = ['sandbox-password', 'Wr0ng-Pa55-c41d', '5123450000000008', '5123450000000009', '7319', '84736251', 'pr0xy-secret'];

    private static function env(string $name): string
    {
        $v = getenv($name);
        if (!$v) {
            self::fail("$name is not set: run tests/dist/php-ruby.sh or make test-php-ruby");
        }
        return $v;
    }

    /** @return array<string, mixed> */
    private static function options(array $more = []): array
    {
        return $more + [
            'merchantId' => self::env('MPGS_MERCHANT_ID'), 'password' => self::env('MPGS_PASSWORD'),
            'baseUrl' => self::env('MPGS_BASE_URL'), 'caFile' => self::env('MPGS_CA_FILE'),
            'timeoutMs' => 5000, 'maxRetries' => 0,
        ];
    }

    /** Runs $f, which must throw an Mpgs\Exception of $class; no way of printing it shows a secret. */
    private static function refused(callable $f, string $class): MpgsException
    {
        try {
            $f();
        } catch (MpgsException $e) {
            self::assertInstanceOf($class, $e, $e->getMessage());
            self::assertNoSecret($e);
            return $e;
        }
        self::fail("no $class thrown");
    }

    /**
     * The message, the string form and trace (every argument in whole: phpunit.xml.dist), the
     * exception's fields, and each argument of each frame inside the package, printed whole.
     */
    private static function assertNoSecret(\Throwable $e): void
    {
        $texts = [$e->getMessage(), (string) $e, $e->getTraceAsString(), (string) json_encode(get_object_vars($e)), print_r(get_object_vars($e), true)];
        foreach ($e->getTrace() as $frame) {
            if (str_starts_with($frame['class'] ?? '', 'Mpgs\\')) {
                $texts[] = print_r($frame['args'] ?? [], true);
            }
        }
        foreach ($texts as $text) {
            foreach (self::SECRETS as $s) {
                self::assertStringNotContainsString($s, $text, "error text holds $s");
            }
        }
    }

    public function testLibraryIsThePackagesVersion(): void
    {
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+$/', Mpgs::version());
        if (getenv('MPGS_EXPECT_VERSION')) {
            self::assertSame(getenv('MPGS_EXPECT_VERSION'), Mpgs::version());
        }
        if (getenv('MPGS_AUTOLOAD')) {
            // The package as installed, with its own libmpgs: not the repository's.
            $vendor = dirname((string) getenv('MPGS_AUTOLOAD'));
            self::assertStringStartsWith($vendor . '/mpgs/mpgs/src/', (string) (new \ReflectionClass(Client::class))->getFileName());
            $maps = (string) file_get_contents('/proc/self/maps');
            self::assertStringContainsString($vendor . '/mpgs/mpgs/lib/x86_64-unknown-linux-gnu/libmpgs.so', $maps);
        }
        self::assertSame('MPGS_STATUS_VALIDATION', Mpgs::statusName(3));
    }

    public function testTillFlowSessionTokenFieldErrorsAndTheGatewaysRefusal(): void
    {
        $c = new Client(self::options());
        $s = $c->createSession(['session' => ['authenticationLimit' => 5], 'correlationId' => 'till-1']);
        self::assertNotEmpty($s->id);
        self::assertNotEmpty($s->aes256Key());
        self::assertSame('SUCCESS', $s->result);
        self::assertSame(201, $s->httpStatus);
        self::assertSame('till-1', $s->correlationId);
        self::assertSame(5, $s->authenticationLimit);
        self::assertSame(58, $s->apiVersion);
        self::assertSame(1, $s->attempts);
        self::assertStringNotContainsString((string) $s->aes256Key(), print_r($s, true));

        $t = $c->createToken(self::CARD_TOKEN);
        self::assertNotEmpty($t->token);
        self::assertSame('VALID', $t->status);
        self::assertSame('512345xxxxxx0008', $t->cardNumber);
        self::assertSame('MASTERCARD', $t->cardBrand);
        self::assertSame('0530', $t->cardExpiry);
        self::assertSame('CARD', $t->sourceOfFundsType);
        self::assertStringNotContainsString('5123450000000008', $t->json());
        self::assertSame('512345xxxxxx0008', $t->get('sourceOfFunds.provided.card.number'));
        self::assertNull($t->get('no.such.field'));
        self::assertNotEmpty($t->jsonVerbatim());

        $e = self::refused(fn () => $c->createToken(['sourceOfFunds' => ['type' => 'CARD', 'provided' => ['card' => [
            'number' => '5123450000000008-', 'securityCode' => '7319x', 'expiry' => ['month' => '13', 'year' => '30']]]]]), ValidationException::class);
        self::assertInstanceOf(NotSentException::class, $e);
        self::assertSame(Status::Validation, $e->status);
        self::assertSame(Stage::NotSent, $e->stage);
        self::assertSame(0, $e->attempts);
        self::assertFalse($e->outcomeUnknown);
        self::assertSame($e->fieldErrors[0]->field, $e->field);
        $fields = array_map(fn ($fe) => $fe->field, $e->fieldErrors);
        foreach (['sourceOfFunds.provided.card.number', 'sourceOfFunds.provided.card.securityCode', 'sourceOfFunds.provided.card.expiry.month'] as $f) {
            self::assertContains($f, $fields);
        }
        foreach ($e->fieldErrors as $fe) {
            self::assertNotSame('', $fe->validationType);
            self::assertNotSame('', $fe->explanation);
        }

        $g = self::refused(fn () => $c->createToken(str_replace('5123450000000008', '5123450000000009', (string) json_encode(self::CARD_TOKEN))), GatewayException::class);
        self::assertInstanceOf(AnsweredException::class, $g);
        self::assertSame(400, $g->httpStatus);
        self::assertSame('INVALID_REQUEST', $g->cause);
        self::assertSame('sourceOfFunds.provided.card.number', $g->field);
        self::assertSame(Stage::Answered, $g->stage);
        self::assertFalse($g->outcomeUnknown);
        self::assertSame(1, $g->attempts);
        self::assertNotNull($g->gatewayJson);
    }

    public function testWrongPasswordIsAnAuthenticationError(): void
    {
        $c = new Client(self::options(['password' => 'Wr0ng-Pa55-c41d']));
        $e = self::refused(fn () => $c->createToken(self::CARD_TOKEN), AuthenticationException::class);
        self::assertSame(401, $e->httpStatus);
        self::assertSame(Stage::Answered, $e->stage);
        self::assertSame(Status::Authentication, $e->status);
    }

    public function testCertificateAuthentication(): void
    {
        $c = new Client(['merchantId' => self::env('MPGS_CERT_MERCHANT_ID'), 'certFile' => self::env('MPGS_CLIENT_CERT'),
            'keyFile' => self::env('MPGS_CLIENT_KEY'), 'baseUrl' => self::env('MPGS_BASE_URL'), 'caFiles' => [self::env('MPGS_CA_FILE')]]);
        self::assertSame('512345xxxxxx0008', $c->createToken(self::CARD_TOKEN)->cardNumber);
        self::refused(fn () => new Client(['merchantId' => 'M', 'certFile' => self::env('MPGS_CLIENT_CERT'), 'baseUrl' => self::env('MPGS_BASE_URL')]), ConfigException::class);
    }

    public function testConnectionClosedUnansweredLeavesTheOutcomeUnknown(): void
    {
        $c = new Client(self::options(['baseUrl' => self::env('MPGS_FAULT_URL'), 'caFile' => self::env('MPGS_FAULT_CA')]));
        $e = self::refused(fn () => $c->createToken(self::CARD_TOKEN), IoException::class);
        self::assertInstanceOf(UnansweredException::class, $e);
        self::assertTrue($e->outcomeUnknown);
        self::assertSame(Stage::Unanswered, $e->stage);
        self::assertSame(0, $e->httpStatus);
        self::assertSame(1, $e->attempts);
    }

    public function testHostedSessionFlowAndTheWorkflowCalls(): void
    {
        $c = new Client(self::options());
        $id = (string) $c->createSession()->id;
        $page = $c->updateSession($id, ['sourceOfFunds' => ['provided' => ['card' => ['number' => '5123450000000008', 'expiry' => ['month' => '5', 'year' => '30']]]]]);
        self::assertSame('SUCCESS', $page->updateStatus);
        $s = $c->retrieveSession($id);
        self::assertSame(Readiness::Ready, $c->readyForToken($s, $page->version));
        self::assertSame(Readiness::VersionDiffers, $s->readyForToken('0000000000'));
        self::assertSame('MPGS_READINESS_VERSION_DIFFERS', Readiness::VersionDiffers->cName());
        self::assertSame(Readiness::NotUpdated, $c->createSession()->readyForToken());
        self::assertStringContainsString('512345xxxxxx0008', $s->json());
        self::assertStringNotContainsString('5123450000000008', $s->json());
        self::assertSame('512345xxxxxx0008', $s->get('sourceOfFunds.provided.card.number'));

        $token = (string) $c->createToken(['session' => ['id' => $id], 'sourceOfFunds' => ['type' => 'CARD']])->token;
        $again = $c->retrieveToken($token);
        self::assertSame($token, $again->token);
        self::assertSame('512345xxxxxx0008', $again->cardNumber);
        self::assertSame(38, $again->apiVersion);
        $d = $c->deleteToken($token);
        self::assertSame('SUCCESS', $d->result);
        self::assertSame(1, $d->attempts);
        self::assertNotEmpty($d->json());
        self::assertSame(400, self::refused(fn () => $c->retrieveToken($token), GatewayException::class)->httpStatus);
        $bad = self::refused(fn () => $c->retrieveSession('SESSION0002695081404E6099215K60/../x'), ValidationException::class);
        self::assertSame('sessionId', $bad->field);
        self::assertSame(Stage::NotSent, $bad->stage);
        self::assertSame('tokenid', self::refused(fn () => $c->deleteToken('91/23'), ValidationException::class)->field);

        $info = $c->checkGateway();
        self::assertSame('OPERATING', $info->status);
        self::assertTrue($info->operating);
        self::assertNotEmpty($info->gatewayVersion);
        self::assertSame(200, $info->httpStatus);
        self::assertNotEmpty($info->json());
    }

    public function testRequestsBuiltFieldByFieldAndValidationWithoutSending(): void
    {
        $c = new Client(self::options());
        $r = (new Request(Operation::CreateToken))
            ->set('sourceOfFunds.type', 'CARD')
            ->set('sourceOfFunds.provided.card.number', '5123450000000008')
            ->set('sourceOfFunds.provided.card.expiry.month', '5')
            ->set('sourceOfFunds.provided.card.expiry.year', '30')
            ->set('correlationId', 'x')->unset('correlationId');
        $r->validate();
        self::assertSame('512345xxxxxx0008', $c->createToken($r)->cardNumber);
        self::assertStringNotContainsString('5123450000000008', print_r($r, true));
        $s = $c->createSession((new Request(Operation::CreateSession))->set('session.authenticationLimit', 7));
        self::assertSame(7, $s->authenticationLimit);
        $u = $c->updateSession((string) $s->id, (new Request(Operation::UpdateSession))->set('order.currency', 'USD'));
        self::assertSame('SUCCESS', $u->updateStatus);
        self::refused(fn () => (new Request(Operation::CreateToken))->set('sourceOfFunds.provided.card.number', '12')->validate(), ValidationException::class);

        Mpgs::validate(Operation::UpdateSession, ['order.currency' => 'USD']);
        $named = ['sourceOfFunds' => ['type' => 'CARD', 'provided' => ['card' => ['number' => '5123450000000008', 'expiry' => ['month' => '5', 'year' => '30'], 'nameOnCard' => 'A Customer']]]];
        Mpgs::validate(Operation::CreateToken, $named, 70);
        $e = self::refused(fn () => Mpgs::validate(Operation::CreateToken, $named, 70, ValidationLevel::Strict), ValidationException::class);
        self::assertSame('UNSUPPORTED', $e->validationType);
        self::refused(fn () => Mpgs::validate(Operation::CreateToken, ['sourceOfFunds' => ['type' => 'CARD']], null, 'lenient'), InvalidArgumentException::class);
    }

    public function testEverySetting(): void
    {
        $c = new Client(self::options(['tokenApiVersion' => 70, 'sessionApiVersion' => 61, 'connectTimeoutMs' => 2000,
            'validationLevel' => 'known-fields', 'trust' => Trust::CaFilesOnly, 'proxyFromEnv' => true,
            'tokenRepositoryUniqueCard' => true, 'maxRetries' => 1]));
        self::assertSame(70, $c->createToken(self::CARD_TOKEN)->apiVersion);
        self::assertSame(61, $c->createSession()->apiVersion);
        $e = self::refused(fn () => new Client(self::options(['caFile' => null, 'trust' => 'ca-files-only'])), ConfigException::class);
        self::assertStringContainsString('ca-files-only', $e->getMessage());
        $moz = new Client(self::options(['caFile' => null, 'trust' => 'mozilla']));
        self::assertFalse(self::refused(fn () => $moz->createSession(), TlsException::class)->outcomeUnknown);
        self::refused(fn () => new Client(self::options(['trust' => 'none'])), InvalidArgumentException::class);
        self::refused(fn () => new Client(self::options(['timeout' => 5])), ConfigException::class);
        self::refused(fn () => new Client(self::options(['baseUrl' => null, 'region' => 'mars'])), ConfigException::class);
        self::assertInstanceOf(Client::class, new Client(self::options(['baseUrl' => null, 'region' => 'mtf'])));
        $p = self::refused(fn () => new Client(self::options(['proxy' => 'socks5://user:pr0xy-secret@127.0.0.1:1'])), ConfigException::class);
        self::assertSame(Stage::NotSent, $p->stage);
        // A proxy that refuses the tunnel: nothing was sent.
        $refusing = new Client(self::options(['proxy' => 'http://user:pr0xy-secret@127.0.0.1:1', 'baseUrl' => 'https://localhost:1']));
        self::refused(fn () => $refusing->createSession(), UnansweredException::class);
    }

    /** The sandbox's `GET /_sandbox/stats` (loopback only): connections accepted, handshakes. */
    private static function sandboxStats(): array
    {
        $context = stream_context_create([
            'ssl' => ['cafile' => self::env('MPGS_CA_FILE'), 'verify_peer' => true, 'verify_peer_name' => true],
            'http' => ['header' => "Connection: close\r\n", 'protocol_version' => 1.1, 'timeout' => 5],
        ]);
        $text = file_get_contents(rtrim(self::env('MPGS_BASE_URL'), '/') . '/_sandbox/stats', false, $context);
        self::assertIsString($text);
        return json_decode($text, true, flags: JSON_THROW_ON_ERROR);
    }

    public function testConnectWarmsTheConnectionTheNextCallUses(): void
    {
        $c = new Client(self::options());
        $c->connect();
        $c->connect(); // an idle connection is fit already: nothing more
        $before = self::sandboxStats(); // counts its own connection
        $session = $c->createSession();
        self::assertSame(1, $session->attempts);
        $after = self::sandboxStats();
        // Only the second stats request's connection is new: the call went on the warm one.
        self::assertSame($before['connections'] + 1, $after['connections'], json_encode([$before, $after]));
        self::assertSame($before['full_handshakes'] + 1, $after['full_handshakes'], json_encode([$before, $after]));
        $c->close();
        self::refused(fn () => $c->connect(), InvalidArgumentException::class);
    }

    public function testConnectToAClosedPortIsAConnectErrorNothingSent(): void
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $c = new Client(self::options(['baseUrl' => "https://127.0.0.1:$port"]));
        $e = self::refused(fn () => $c->connect(), ConnectException::class);
        self::assertInstanceOf(UnansweredException::class, $e);
        self::assertFalse($e->outcomeUnknown);
        self::assertSame(Status::Connect, $e->status);
    }

    public function testClosedClientFailsCleanly(): void
    {
        $c = new Client(self::options());
        $c->close();
        $c->close();
        self::refused(fn () => $c->createSession(), InvalidArgumentException::class);
    }

    public function testOneClientAcrossForkedWorkers(): void
    {
        if (!function_exists('pcntl_fork')) {
            self::markTestSkipped('no pcntl');
        }
        // PHP runs requests in processes, not threads: a client made before the workers fork
        // (FPM's master, a preloaded script) must work in each of them, and in the parent.
        $c = new Client(self::options());
        $c->createSession();
        $pids = [];
        for ($i = 0; $i < 4; $i++) {
            $pid = pcntl_fork();
            if ($pid === 0) {
                $ok = true;
                for ($j = 0; $j < 20; $j++) {
                    $ok = $ok && $c->createSession(['correlationId' => "w$i"])->correlationId === "w$i";
                }
                posix_kill(posix_getpid(), $ok ? SIGUSR1 : SIGUSR2); // exit without PHPUnit's shutdown
            }
            $pids[] = $pid;
        }
        foreach ($pids as $pid) {
            pcntl_waitpid($pid, $status);
            self::assertTrue(pcntl_wifsignaled($status) && pcntl_wtermsig($status) === SIGUSR1, 'a forked worker failed');
        }
        self::assertSame(201, $c->createSession()->httpStatus);
    }

    public function testNoGrowthOver10000Calls(): void
    {
        $c = new Client(self::options());
        $bad = ['sourceOfFunds' => ['type' => 'CARD', 'provided' => ['card' => ['number' => '12']]]];
        $run = function (int $n) use ($c, $bad): void {
            for ($i = 0; $i < $n; $i++) {
                $c->createSession(['correlationId' => 'rss'])->json();
                try {
                    Mpgs::validate(Operation::CreateToken, $bad);
                    self::fail('validated');
                } catch (ValidationException) {
                }
            }
        };
        $rss = fn () => (int) explode(' ', (string) file_get_contents('/proc/self/statm'))[1] * 4;
        $run(1000);
        gc_collect_cycles();
        [$rss0, $php0] = [$rss(), memory_get_usage()];
        $run(10000);
        gc_collect_cycles();
        [$rss1, $php1] = [$rss(), memory_get_usage()];
        fwrite(STDERR, sprintf("php: RSS after 1,000 calls %d KiB, after 10,000 more %d KiB; PHP heap %+d bytes\n", $rss0, $rss1, $php1 - $php0));
        self::assertLessThan(4096, $rss1 - $rss0, 'RSS grew over 10,000 calls');
        self::assertLessThan(64 * 1024, $php1 - $php0, 'the PHP heap grew over 10,000 calls');
    }
}
