<?php

declare(strict_types=1);

namespace Mpgs;

/**
 * A token (Create or Update Token, Retrieve Token). The typed fields are copied when it is made,
 * card numbers masked whatever the gateway sent; json() has every secret masked, jsonVerbatim()
 * is the answer as sent (never log it). The C handle is released when the object goes.
 */
final class Token
{
    /** `token`: the token to store and pay with. */
    public readonly ?string $token;
    /** `status`: VALID or INVALID. */
    public readonly ?string $status;
    /** `repositoryId`. */
    public readonly ?string $repositoryId;
    /** `response.gatewayCode`: the verification outcome. */
    public readonly ?string $gatewayCode;
    /** `result`: SUCCESS, FAILURE or ERROR. */
    public readonly ?string $result;
    /** `verificationStrategy`: NONE, BASIC or ACQUIRER. */
    public readonly ?string $verificationStrategy;
    /** `sourceOfFunds.type`: CARD, ACH, GIFT_CARD, … */
    public readonly ?string $sourceOfFundsType;
    /** `correlationId`, as sent. */
    public readonly ?string $correlationId;
    /** `sourceOfFunds.provided.card.brand`. */
    public readonly ?string $cardBrand;
    /** `sourceOfFunds.provided.card.number`, always masked 6.4 (512345xxxxxx0008). */
    public readonly ?string $cardNumber;
    /** `sourceOfFunds.provided.card.expiry`, MMYY. */
    public readonly ?string $cardExpiry;
    public readonly ?string $cardScheme;
    public readonly ?string $cardFundingMethod;
    public readonly ?string $cardIssuer;
    public readonly ?string $cardLocalBrand;
    public readonly ?string $achAccountType;
    public readonly ?string $achBankAccountHolder;
    public readonly ?string $achRoutingNumber;
    public readonly ?string $achSecCode;
    public readonly ?string $giftCardBrand;
    public readonly ?string $giftCardLocalBrand;
    /** `sourceOfFunds.provided.giftCard.number`, always masked. */
    public readonly ?string $giftCardNumber;
    public readonly ?string $giftCardScheme;
    public readonly ?string $usageLastUpdated;
    public readonly ?string $usageLastUpdatedBy;
    public readonly ?string $usageLastUsed;
    /** The HTTP status of the answer (201 from Create or Update Token). */
    public readonly int $httpStatus;
    /** The API version in the request's path. */
    public readonly int $apiVersion;
    /** How many times the request was sent (1 without retries). */
    public readonly int $attempts;

    /** @internal */
    public function __construct(private readonly \FFI\CData $handle)
    {
        $ffi = Native::ffi();
        $this->token = Native::str($ffi->mpgs_token_token($handle));
        $this->status = Native::str($ffi->mpgs_token_status($handle));
        $this->repositoryId = Native::str($ffi->mpgs_token_repository_id($handle));
        $this->gatewayCode = Native::str($ffi->mpgs_token_gateway_code($handle));
        $this->result = Native::str($ffi->mpgs_token_result($handle));
        $this->verificationStrategy = Native::str($ffi->mpgs_token_verification_strategy($handle));
        $this->sourceOfFundsType = Native::str($ffi->mpgs_token_source_of_funds_type($handle));
        $this->correlationId = Native::str($ffi->mpgs_token_correlation_id($handle));
        $this->cardBrand = Native::str($ffi->mpgs_token_card_brand($handle));
        $this->cardNumber = Native::str($ffi->mpgs_token_card_number($handle));
        $this->cardExpiry = Native::str($ffi->mpgs_token_card_expiry($handle));
        $this->cardScheme = Native::str($ffi->mpgs_token_card_scheme($handle));
        $this->cardFundingMethod = Native::str($ffi->mpgs_token_card_funding_method($handle));
        $this->cardIssuer = Native::str($ffi->mpgs_token_card_issuer($handle));
        $this->cardLocalBrand = Native::str($ffi->mpgs_token_card_local_brand($handle));
        $this->achAccountType = Native::str($ffi->mpgs_token_ach_account_type($handle));
        $this->achBankAccountHolder = Native::str($ffi->mpgs_token_ach_bank_account_holder($handle));
        $this->achRoutingNumber = Native::str($ffi->mpgs_token_ach_routing_number($handle));
        $this->achSecCode = Native::str($ffi->mpgs_token_ach_sec_code($handle));
        $this->giftCardBrand = Native::str($ffi->mpgs_token_gift_card_brand($handle));
        $this->giftCardLocalBrand = Native::str($ffi->mpgs_token_gift_card_local_brand($handle));
        $this->giftCardNumber = Native::str($ffi->mpgs_token_gift_card_number($handle));
        $this->giftCardScheme = Native::str($ffi->mpgs_token_gift_card_scheme($handle));
        $this->usageLastUpdated = Native::str($ffi->mpgs_token_usage_last_updated($handle));
        $this->usageLastUpdatedBy = Native::str($ffi->mpgs_token_usage_last_updated_by($handle));
        $this->usageLastUsed = Native::str($ffi->mpgs_token_usage_last_used($handle));
        $this->httpStatus = $ffi->mpgs_token_http_status($handle);
        $this->apiVersion = $ffi->mpgs_token_api_version($handle);
        $this->attempts = $ffi->mpgs_token_attempts($handle);
    }

    /** The whole answer as JSON text, card numbers masked 6.4, other secrets as `***`. */
    public function json(): string
    {
        return (string) Native::str(Native::ffi()->mpgs_token_json($this->handle));
    }

    /** The whole answer exactly as the gateway sent it (secrets in clear when it sent them). Never log it. */
    public function jsonVerbatim(): string
    {
        return (string) Native::str(Native::ffi()->mpgs_token_json_verbatim($this->handle));
    }

    /** Any field by dotted name, masked as in json(), as text (objects as JSON); null when absent. */
    public function get(string $name): ?string
    {
        return Result::get($this->handle, $name, 'mpgs_token_get');
    }

    public function __destruct()
    {
        Native::ffi()->mpgs_token_free($this->handle);
    }

    /** @return array<string, mixed> the typed fields (no handle) */
    public function __debugInfo(): array
    {
        return Result::fields($this);
    }
}
