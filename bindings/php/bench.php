<?php
// make bench: Create Session calls per second from one PHP process over one keep-alive HTTPS
// connection, through this package (libmpgs) and through PHP's curl extension doing the same
// call (one reused handle: same sandbox, CA, body and Basic auth, the answer read whole and its
// 201 checked).
//   php bench.php mpgs N    -> calls/s
//   php bench.php curl N    -> calls/s
// Environment: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD (MPGS_LIBRARY: the
// staged libmpgs when run from the repository).
declare(strict_types=1);

require __DIR__ . '/tests/bootstrap.php';

const BODY = '{"correlationId":"bench","session":{"authenticationLimit":5}}';
[$kind, $n] = [$argv[1] ?? '', (int) ($argv[2] ?? 0)];
$env = fn (string $k): string => (string) getenv($k);

function rate(callable $call, int $n): float
{
    for ($i = 0; $i < 10; $i++) {
        $call();
    }
    $start = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        $call();
    }
    return $n / ((hrtime(true) - $start) / 1e9);
}

if ($kind === 'mpgs') {
    $c = new Mpgs\Client(['merchantId' => $env('MPGS_MERCHANT_ID'), 'password' => $env('MPGS_PASSWORD'),
        'baseUrl' => $env('MPGS_BASE_URL'), 'caFile' => $env('MPGS_CA_FILE')]);
    printf("%.1f\n", rate(fn () => $c->createSession(BODY), $n));
} elseif ($kind === 'curl') {
    $h = curl_init($env('MPGS_BASE_URL') . '/api/rest/version/58/merchant/' . $env('MPGS_MERCHANT_ID') . '/session');
    curl_setopt_array($h, [
        CURLOPT_POST => true, CURLOPT_POSTFIELDS => BODY, CURLOPT_RETURNTRANSFER => true,
        CURLOPT_CAINFO => $env('MPGS_CA_FILE'), CURLOPT_USERPWD => 'merchant.' . $env('MPGS_MERCHANT_ID') . ':' . $env('MPGS_PASSWORD'),
        CURLOPT_HTTPHEADER => ['Content-Type: application/json;charset=UTF-8'],
    ]);
    printf("%.1f\n", rate(function () use ($h): void {
        $body = curl_exec($h);
        if ($body === false || curl_getinfo($h, CURLINFO_RESPONSE_CODE) !== 201) {
            throw new RuntimeException('HTTP ' . curl_getinfo($h, CURLINFO_RESPONSE_CODE) . ' ' . curl_error($h));
        }
    }, $n));
} else {
    fwrite(STDERR, "usage: php bench.php mpgs|curl N\n");
    exit(2);
}
