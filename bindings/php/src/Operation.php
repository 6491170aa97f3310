<?php

declare(strict_types=1);

namespace Mpgs;

/** The operations with a request body (`mpgs_operation`), for Request and Mpgs::validate. */
enum Operation: int
{
    case CreateSession = 1;
    case CreateToken = 2;
    case UpdateSession = 3;
}
