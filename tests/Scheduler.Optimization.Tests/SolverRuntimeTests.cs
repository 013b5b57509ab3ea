using Xunit;

namespace Scheduler.Optimization.Tests;

public sealed class SolverRuntimeTests
{
    [Fact]
    public void The_native_or_tools_runtime_loads_and_solves_on_this_platform()
    {
        var version = SolverRuntime.Verify();
        Assert.StartsWith("9.", version);
    }
}
