using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Core.Identity;

namespace Scheduler.Testing;

/// <summary>
/// A device proof for a mobile, earned as a resident earns it: the real use case sends a code by SMS to the dev host's
/// local inbox, the code is read there and checked. For tests that book through the use case rather than over HTTP.
/// </summary>
public static class VerifiedMobiles
{
    public static async Task<string> ProofAsync(TestDevHost host, string centreId, string e164, CancellationToken cancellationToken)
    {
        var verification = host.Services.GetRequiredService<PhoneVerification>();
        var sent = await verification.SendCodeAsync(centreId, e164, "zh", cancellationToken);
        if (sent.Error is { } refused) throw new InvalidOperationException($"No code was sent: {refused}");
        var inbox = await host.Client.GetFromJsonAsync<JsonElement>($"/api/local/sms?to={Uri.EscapeDataString(e164)}", cancellationToken);
        var text = inbox.EnumerateArray().First(m => m.GetProperty("kind").GetString() == "verification-code").GetProperty("text").GetString()!;
        var proof = await verification.CheckCodeAsync(centreId, e164, Regex.Match(text, "[0-9]{6}").Value, cancellationToken);
        if (proof.Error is { } wrong) throw new InvalidOperationException($"The code was refused: {wrong}");
        return proof.Value!.Value;
    }
}
