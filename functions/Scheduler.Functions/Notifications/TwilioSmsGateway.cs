using System.Net.Sockets;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Notifications;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Scheduler.Functions.Notifications;

/// <summary>
/// SMS through Twilio's Messages API with the injected <see cref="ITwilioRestClient"/> (never the static client), from
/// the Messaging Service when one is configured, else from the number, with the status callback on the public URL.
/// It says what Twilio's answer means for a retry: 201 taken; 429 and 5xx safe to retry; 21610 opted out; other 4xx
/// refused with their code; no connection before the request went out safe to retry; a request that went out
/// without an answer (a timeout) ambiguous, for the sender to look up before anything is sent again.
/// </summary>
public sealed class TwilioSmsGateway(ITwilioRestClient client, IOptions<TwilioOptions> options, IOptions<SchedulerOptions> scheduler) : ISmsProvider
{
    public const int OptedOut = 21610;

    /// <summary>The query parameter of the status callback's address naming the message (signed by Twilio with the rest of the address).</summary>
    public const string CallbackQuery = "m";

    public async Task<ProviderResult> SendAsync(OutboundSms message, string callbackRef, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var create = new CreateMessageOptions(new PhoneNumber(message.To))
        {
            Body = message.Text,
            StatusCallback = new Uri($"{scheduler.Value.PublicBaseUrl.TrimEnd('/')}/api/sms/status?{CallbackQuery}={Uri.EscapeDataString(callbackRef)}"),
        };
        if (!string.IsNullOrWhiteSpace(o.MessagingServiceSid)) create.MessagingServiceSid = o.MessagingServiceSid.Trim();
        else create.From = new PhoneNumber(o.FromNumber.Trim());
        try
        {
            var sent = await MessageResource.CreateAsync(create, client);
            return new ProviderResult(ProviderOutcome.Accepted, sent.Sid, sent.Status?.ToString() ?? "queued", null);
        }
        catch (ApiException e) when (e.Code == OptedOut)
        {
            return new ProviderResult(ProviderOutcome.OptedOut, null, null, $"{e.Code}: the recipient opted out");
        }
        catch (ApiException e) when (e.Status is 429 or >= 500 or 0)
        {
            return new ProviderResult(ProviderOutcome.Retryable, null, null, $"HTTP {e.Status} {e.Code}: {e.Message}");
        }
        catch (ApiException e)
        {
            return new ProviderResult(ProviderOutcome.Rejected, null, null, $"HTTP {e.Status} {e.Code}: {e.Message}");
        }
        catch (ApiConnectionException e) when (NotSent(e))
        {
            return new ProviderResult(ProviderOutcome.Retryable, null, null, $"no connection: {Innermost(e).Message}");
        }
        catch (TwilioException e)
        {
            return new ProviderResult(ProviderOutcome.Ambiguous, null, null, $"no answer after sending: {Innermost(e).GetType().Name}");
        }
        catch (HttpRequestException e) when (NotSent(new AggregateException(e)))
        {
            return new ProviderResult(ProviderOutcome.Retryable, null, null, $"no connection: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ProviderResult(ProviderOutcome.Ambiguous, null, null, $"no answer after sending: {e.GetType().Name}");
        }
    }

    /// <summary>Twilio's latest messages to the number, matched by text and creation time.</summary>
    public async Task<ProviderLookup> FindAsync(OutboundSms message, Instant since, CancellationToken cancellationToken)
    {
        try
        {
            var page = await MessageResource.ReadAsync(new ReadMessageOptions { To = new PhoneNumber(message.To), PageSize = 50, Limit = 50 }, client);
            var after = since.ToDateTimeUtc();
            var found = page.FirstOrDefault(m => m.Body == message.Text && (m.DateCreated is null || m.DateCreated.Value.ToUniversalTime() >= after));
            return new ProviderLookup(true, found?.Sid, found?.Status?.ToString());
        }
        catch (Exception e) when (e is TwilioException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ProviderLookup(false, null, null);
        }
    }

    /// <summary>The connection failed before the request could go out: refused, unreachable, or the name did not resolve.</summary>
    private static bool NotSent(Exception e)
    {
        for (var x = e.InnerException; x is not null; x = x.InnerException)
        {
            if (x is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError }) return true;
            if (x is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound }) return true;
        }
        return false;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}

/// <summary>Sends Twilio's requests to another base address (a local stub of its REST API in tests and benchmarks).</summary>
public sealed class TwilioBaseAddressHandler(Uri baseAddress) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
            request.RequestUri = new UriBuilder(uri) { Scheme = baseAddress.Scheme, Host = baseAddress.Host, Port = baseAddress.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The local provider: the outbox is the inbox; every message counts as delivered at once.</summary>
public sealed class LocalSmsProvider : ISmsProvider
{
    public Task<ProviderResult> SendAsync(OutboundSms message, string callbackRef, CancellationToken cancellationToken) =>
        Task.FromResult(new ProviderResult(ProviderOutcome.Accepted, "LM" + TableSmsOutbox.Row(message.Key)[..32], "delivered", null));

    public Task<ProviderLookup> FindAsync(OutboundSms message, Instant since, CancellationToken cancellationToken) =>
        Task.FromResult(new ProviderLookup(true, null, null));
}

/// <summary>A provider that cannot work until a setting is fixed: every send fails naming it (the queue retries, then the poison queue keeps the message).</summary>
public sealed class UnavailableSmsProvider(SettingUnavailableException problem) : ISmsProvider
{
    public Task<ProviderResult> SendAsync(OutboundSms message, string callbackRef, CancellationToken cancellationToken) => throw problem;

    public Task<ProviderLookup> FindAsync(OutboundSms message, Instant since, CancellationToken cancellationToken) => throw problem;
}
