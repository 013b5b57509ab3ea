using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Staff and dispatcher functions declare their role ([RequireRole]); the gate enforces it before they run.
builder.UseMiddleware<RoleGateMiddleware>();
builder.Services.AddScheduler(builder.Configuration);
if (Telemetry.IsConfigured(builder.Configuration))
    builder.Services.AddSchedulerTelemetry(builder.Configuration);
builder.Build().Run();
