<?php

declare(strict_types=1);

namespace Mpgs;

/** Whether a session can be tokenized (`mpgs_readiness`; the rule is the core's). */
enum Readiness: int
{
    /** `session.updateStatus` is SUCCESS, card details are there, the version is the one expected. */
    case Ready = 0;
    /** `session.updateStatus` is not SUCCESS: no details were put into the session. */
    case NotUpdated = 1;
    /** The session holds no card details. */
    case NoCardDetails = 2;
    /** `session.version` is not the version expected. */
    case VersionDiffers = 3;
    /** No session, or an expected version that is not UTF-8. */
    case InvalidArgument = 4;

    /** The C name (`MPGS_READINESS_NO_CARD_DETAILS`), for logs. */
    public function cName(): string
    {
        return (string) Native::ffi()->mpgs_readiness_name($this->value);
    }
}
