<?php

declare(strict_types=1);

namespace Mpgs;

/** The C library's `mpgs_status` (stable numbers; the exception's code). */
enum Status: int
{
    case Ok = 0;
    case InvalidArgument = 1;
    case Config = 2;
    case Validation = 3;
    case Gateway = 4;
    case Authentication = 5;
    case Decode = 6;
    case Connect = 7;
    case Tls = 8;
    case Timeout = 9;
    case Io = 10;
    case NotFound = 11;
    case Internal = 12;
}
