import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { AuthProvider } from '../app/auth';
import { TimeRangeProvider } from '../app/timeRange';
import { TokenPrompt } from '../components/TokenPrompt';

/** Renders `element` at `path` inside the app's providers (router, time range, auth). */
export function renderAt(url: string, pattern: string, element: ReactElement) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <AuthProvider>
        <TimeRangeProvider>
          <Routes>
            <Route path={pattern} element={element} />
          </Routes>
          <TokenPrompt />
        </TimeRangeProvider>
      </AuthProvider>
    </MemoryRouter>,
  );
}
