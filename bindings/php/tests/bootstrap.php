<?php
// The package as installed (MPGS_AUTOLOAD: an installed project's vendor/autoload.php, as in
// make dist-test), or this folder's src/ (run from the repository after build.sh).
declare(strict_types=1);

$autoload = getenv('MPGS_AUTOLOAD');
if ($autoload) {
    require $autoload;
} else {
    spl_autoload_register(function (string $class): void {
        if (str_starts_with($class, 'Mpgs\\')) {
            require dirname(__DIR__) . '/src/' . substr($class, 5) . '.php';
        }
    });
}
