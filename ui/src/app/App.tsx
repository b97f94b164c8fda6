import { Route, Routes } from 'react-router-dom';
import { AuthProvider } from './auth';
import { TimeRangeProvider } from './timeRange';
import { Layout } from './Layout';
import { TokenPrompt } from '../components/TokenPrompt';
import { OverviewPage } from '../views/overview/OverviewPage';
import { ServicePage } from '../views/service/ServicePage';
import { TracesPage } from '../views/traces/TracesPage';
import { TracePage } from '../views/trace/TracePage';
import { SqlPage } from '../views/sql/SqlPage';
import { HttpPage } from '../views/http/HttpPage';
import { ErrorsPage } from '../views/errors/ErrorsPage';
import { LogsPage } from '../views/logs/LogsPage';
import { DumpsPage } from '../views/dumps/DumpsPage';
import { LivePage } from '../views/live/LivePage';
import { ComparePage } from '../views/compare/ComparePage';

export function App() {
  return (
    <AuthProvider>
      <TimeRangeProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<OverviewPage />} />
            <Route path="services/:name" element={<ServicePage />} />
            <Route path="traces" element={<TracesPage />} />
            <Route path="traces/:id" element={<TracePage />} />
            <Route path="sql" element={<SqlPage />} />
            <Route path="http" element={<HttpPage />} />
            <Route path="errors" element={<ErrorsPage />} />
            <Route path="logs" element={<LogsPage />} />
            <Route path="dumps" element={<DumpsPage />} />
            <Route path="live" element={<LivePage />} />
            <Route path="compare" element={<ComparePage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
        <TokenPrompt />
      </TimeRangeProvider>
    </AuthProvider>
  );
}

function NotFound() {
  return <div className="empty-state">This page does not exist.</div>;
}
