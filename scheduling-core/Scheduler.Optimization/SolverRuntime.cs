using Google.OrTools.Sat;

namespace Scheduler.Optimization;

/// <summary>
/// The OR-Tools native runtime, checked once: a planner that cannot load its solver must say so at start, not in
/// the middle of the night's planning run.
/// </summary>
public static class SolverRuntime
{
    /// <summary>The OR-Tools version, after proving that CP-SAT loads and solves a two-variable model.</summary>
    public static string Verify()
    {
        var model = new CpModel();
        var x = model.NewIntVar(0, 10, "x");
        var y = model.NewIntVar(0, 10, "y");
        model.Add(x + y == 7);
        model.Add(x - y == 1);
        var solver = new CpSolver { StringParameters = "num_workers:1,max_time_in_seconds:5" };
        var status = solver.Solve(model);
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible) || solver.Value(x) != 4 || solver.Value(y) != 3)
            throw new InvalidOperationException($"The OR-Tools CP-SAT solver does not work on this machine (status {status}).");
        return Google.OrTools.Init.OrToolsVersion.VersionString();
    }
}
