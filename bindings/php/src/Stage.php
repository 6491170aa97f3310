<?php

declare(strict_types=1);

namespace Mpgs;

/** Where a call failed (`mpgs_stage`). */
enum Stage: int
{
    /** Not known (an internal error). */
    case Unknown = 0;
    /** Nothing left the machine (bad argument, configuration or validation). */
    case NotSent = 1;
    /** The gateway answered (gateway, authentication and decode errors). */
    case Answered = 2;
    /** No answer came (connect, TLS, timeout and I/O errors). */
    case Unanswered = 3;
}
